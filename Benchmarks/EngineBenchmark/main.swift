print("engine benchmark: not yet")
