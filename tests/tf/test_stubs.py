"""The committed .pyi stubs match the pinned schemas, and declare what the modules provide."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from fleetform.tf import aws, google
from fleetform.tf.namespace import namespace_for

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "generate_tf_stubs.py"


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_tf_stubs", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_stubs_are_up_to_date(generator: ModuleType) -> None:
    stale = [
        str(path) for path, text in generator.stub_files().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert stale == [], "run: .venv/bin/python scripts/generate_tf_stubs.py"


@pytest.mark.parametrize(
    ("module", "kind"),
    [(aws, "resource"), (google, "resource"), (aws.data, "data source"), (google.data, "data source")],
)
def test_stubs_declare_every_class_of_the_module(module: ModuleType, kind: str) -> None:
    stub = Path(module.__file__).with_suffix(".pyi")  # type: ignore[arg-type]
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    classes = {node.name for node in tree.body
               if isinstance(node, ast.ClassDef) and node.bases and not _is_typed_dict(node)}
    provider_name = module.__name__.split(".")[2]
    assert classes == set(namespace_for(provider_name, kind).class_names())  # type: ignore[arg-type]


def _is_typed_dict(node: ast.ClassDef) -> bool:
    return any(isinstance(base, ast.Name) and base.id == "TypedDict" for base in node.bases)


def test_block_dict_names_are_dicts_at_run_time() -> None:
    assert aws.AutoscalingGroupMixedInstancesPolicyLaunchTemplate is dict
    assert aws.S3BucketVersioningBlock is dict  # renamed: aws.S3BucketVersioning is a resource
    assert isinstance(aws.S3BucketVersioning, type)
    assert aws.S3BucketVersioning.terraform_type == "aws_s3_bucket_versioning"
