"""The reference dataset: policy content of the monitored documents, as reviewed YAML files."""
