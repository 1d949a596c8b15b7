// The load harness arrives with the benchmark issue.
print("bulkops-bench: scenarios are not built yet")
