# Synthesized stacks (`fleetform synth`, `cdktf synth`) and Terraform's working files.
cdktf.out/
.terraform/
*.tfstate
*.tfstate.*
*.tfplan
# Python
.venv/
__pycache__/
*.pyc
