# A starter app project, written the way an app team writes a fal project: `[tool.fal.apps]` here,
# the rest in the fal.App class. Replace it with (or add next to it) your teams' projects; the
# platform's pyproject.toml finds them through its `apps` globs.
[project]
name = "hello"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["fal"]

[tool.fal.apps.hello]
ref = "app.py::Hello"
# private: reachable only inside the platform's networks (the internal load balancer), no certificate needed.
auth = "private"
