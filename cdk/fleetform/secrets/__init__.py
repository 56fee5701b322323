"""Secret values: which secrets a platform needs, whether each has a value, and setting one.

Terraform creates the secret containers (shared stacks) and never a value; this package fills them
through the clouds' APIs (Secrets Manager, Secret Manager), so a value never appears on a command
line, in a log, a plan or a state file.
"""
