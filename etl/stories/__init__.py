"""Near-duplicate articles grouped into stories: MinHash signatures per article, clustered at publish."""
