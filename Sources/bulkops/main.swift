print("bulkops: the server arrives with the transport issue")
