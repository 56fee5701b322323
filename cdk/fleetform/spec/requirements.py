"""Pip requirements as typed values, not strings.

fal hands each requirement string to pip/uv as its own argument, in order, one install step per layer
(``list[list[str]]``). fleetform keeps that order and those layers, knows what each entry is (a PEP 508
package, a direct URL, a VCS checkout, an index option with its value, or a local project to package),
and refuses credentials written into URLs: they would end up in Terraform state and in image layers.
Write ``${SECRET_NAME}`` instead; the image build substitutes it from the platform's secret store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508

INDEX_OPTIONS: dict[str, str] = {
    "--extra-index-url": "--extra-index-url",
    "--index-url": "--index-url",
    "-i": "--index-url",
    "--find-links": "--find-links",
    "-f": "--find-links",
}
"""pip options fleetform accepts inside ``requirements``, short forms mapped to the long ones."""

VCS_SCHEMES = ("git+", "hg+", "svn+", "bzr+")
SECRET_PLACEHOLDER = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")
_PLACEHOLDER_ANYWHERE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SIGNED_URL_KEYS = {"signature", "x-amz-signature", "x-amz-credential", "awsaccesskeyid", "x-goog-signature",
                    "x-goog-credential", "sig", "token", "access_token"}
_LOCAL_PATH = re.compile(
    r"^(?P<path>\.{1,2}(/[^\[\]]*)?|[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)+/?)"  # ./x, ../x, or a/b (a slash)
    r"(\[(?P<extras>[^\]]*)\])?$"
)


class RequirementError(ValueError):
    """A requirement entry fleetform cannot accept; the message says why and how to fix it."""

    def __init__(self, message: str, fix: str | None = None):
        super().__init__(message)
        self.fix = fix


@dataclass(frozen=True)
class PackageRequirement:
    """A PEP 508 requirement: ``torch==2.4.0``, ``diffusers[torch]>=0.30; python_version>'3.9'``,
    or a named direct reference ``mypkg @ https://.../mypkg-1.0-py3-none-any.whl``."""

    text: str
    name: str
    extras: tuple[str, ...]
    specifier: str
    marker: str | None
    url: str | None
    kind: Literal["package"] = "package"


@dataclass(frozen=True)
class UrlRequirement:
    """A direct wheel or sdist URL without a name: ``https://host/wheels/pkg-1.0-py3-none-any.whl``."""

    text: str
    url: str
    kind: Literal["url"] = "url"


@dataclass(frozen=True)
class VcsRequirement:
    """A version-control checkout: ``git+https://github.com/org/repo.git@v1.0#egg=repo``."""

    text: str
    vcs: str
    url: str
    revision: str | None
    kind: Literal["vcs"] = "vcs"


@dataclass(frozen=True)
class IndexOption:
    """``--extra-index-url``/``--index-url``/``--find-links`` and its value; applies to entries after it."""

    option: str
    value: str
    kind: Literal["index-option"] = "index-option"

    @property
    def text(self) -> str:
        return f"{self.option}={self.value}"


@dataclass(frozen=True)
class LocalRequirement:
    """A local project packaged before install: ``.``, ``.[extra]``, ``projects/foo[extra]``.

    ``path`` is resolved against ``requirements_context_dir`` (fal builds an sdist of it).
    """

    text: str
    path: Path
    extras: tuple[str, ...]
    kind: Literal["local"] = "local"


RequirementEntry = PackageRequirement | UrlRequirement | VcsRequirement | IndexOption | LocalRequirement


@dataclass(frozen=True)
class Requirements:
    """Ordered install layers; each layer is an ordered tuple of entries (fal installs layer by layer)."""

    layers: tuple[tuple[RequirementEntry, ...], ...] = ()

    @property
    def entries(self) -> tuple[RequirementEntry, ...]:
        return tuple(entry for layer in self.layers for entry in layer)

    @property
    def secret_names(self) -> tuple[str, ...]:
        """Names of the ``${SECRET}`` placeholders the image build must substitute, sorted."""
        names = {name for entry in self.entries for name in _PLACEHOLDER_ANYWHERE.findall(entry.text)}
        return tuple(sorted(names))

    def to_pip_args(self) -> tuple[tuple[str, ...], ...]:
        """The argv tokens per layer, as fal passes them to pip/uv (options as ``--flag=value``)."""
        return tuple(tuple(entry.text for entry in layer) for layer in self.layers)

    def is_empty(self) -> bool:
        return not self.layers


def parse_requirement_layers(
    layers: list[list[str]], context_dir: Path
) -> tuple[Requirements, list[tuple[int, int, RequirementError]]]:
    """Parse layers of requirement strings; returns the result and the errors as ``(layer, index, error)``.

    Errors do not stop parsing, so that a user sees every bad entry at once.
    """
    parsed_layers: list[tuple[RequirementEntry, ...]] = []
    errors: list[tuple[int, int, RequirementError]] = []
    for layer_index, layer in enumerate(layers):
        entries: list[RequirementEntry] = []
        index = 0
        while index < len(layer):
            token = layer[index]
            try:
                if _option_name(token) is not None:
                    option, consumed = _parse_index_option(layer, index)
                    entries.append(option)
                    index += consumed
                    continue
                entries.append(parse_requirement(token, context_dir))
            except RequirementError as error:
                errors.append((layer_index, index, error))
            index += 1
        parsed_layers.append(tuple(entries))
    return Requirements(tuple(parsed_layers)), errors


def parse_requirement(text: str, context_dir: Path) -> RequirementEntry:
    """Parse one requirement string (not an index option)."""
    stripped = text.strip()
    if not stripped:
        raise RequirementError("empty requirement string", "remove the empty entry")
    if stripped.startswith("-"):
        raise RequirementError(
            f"pip option {stripped.split()[0]!r} is not supported in requirements",
            f"only {', '.join(sorted(set(INDEX_OPTIONS.values())))} are supported; put other pip settings in a "
            "container image",
        )
    if stripped.startswith(VCS_SCHEMES):
        return _parse_vcs(stripped)
    if re.match(r"^[a-z][a-z0-9+.\-]*://", stripped, re.IGNORECASE):
        _reject_credentials(stripped)
        return UrlRequirement(text=stripped, url=stripped)
    local = _LOCAL_PATH.match(stripped)
    if local and ("/" in stripped or stripped.startswith(".")):
        extras = tuple(e.strip() for e in (local.group("extras") or "").split(",") if e.strip())
        return LocalRequirement(text=stripped, path=(context_dir / local.group("path")).resolve(), extras=extras)
    return _parse_pep508(stripped)


def _parse_pep508(text: str) -> PackageRequirement:
    try:
        requirement = Pep508(text)
    except InvalidRequirement as error:
        raise RequirementError(
            f"{text!r} is not a valid requirement: {error}",
            "write a PEP 508 requirement (name[extras]specifier; marker), a URL, or name @ URL",
        ) from None
    if requirement.url:
        url = requirement.url
        if url.startswith(VCS_SCHEMES):
            _parse_vcs(url)
        else:
            _reject_credentials(url)
    return PackageRequirement(
        text=text,
        name=requirement.name,
        extras=tuple(sorted(requirement.extras)),
        specifier=str(requirement.specifier),
        marker=str(requirement.marker) if requirement.marker else None,
        url=requirement.url,
    )


def _parse_vcs(text: str) -> VcsRequirement:
    vcs, _, rest = text.partition("+")
    _reject_credentials(rest)
    location = rest.split("#", 1)[0]
    parts = urlsplit(location)
    revision = None
    if "@" in parts.path:
        path, _, revision = parts.path.rpartition("@")
        location = parts._replace(path=path).geturl()
    return VcsRequirement(text=text, vcs=vcs, url=location, revision=revision or None)


def _option_name(token: str) -> str | None:
    head = token.strip().split("=", 1)[0].split(None, 1)[0] if token.strip() else ""
    return INDEX_OPTIONS.get(head)


def _parse_index_option(layer: list[str], index: int) -> tuple[IndexOption, int]:
    """An index option is ``--flag=value`` in one entry or ``--flag``, ``value`` in two (fal's docs)."""
    token = layer[index].strip()
    option = _option_name(token)
    assert option is not None
    if "=" in token.split(None, 1)[0]:
        value = token.split("=", 1)[1].strip()
        consumed = 1
    elif " " in token:
        raise RequirementError(
            f"{token!r} holds an option and its value in one entry; fal passes each entry to pip as one argument",
            f'write it as two entries: "{token.split(None, 1)[0]}", "{token.split(None, 1)[1].strip()}"',
        )
    elif index + 1 < len(layer):
        value = layer[index + 1].strip()
        consumed = 2
    else:
        raise RequirementError(f"{token!r} has no value after it", f'add the URL as the next entry after "{token}"')
    if not value or value.startswith("-"):
        raise RequirementError(f"{token!r} needs a URL or path value, got {value!r}")
    _reject_credentials(value)
    return IndexOption(option=option, value=value), consumed


def _reject_credentials(url: str) -> None:
    """Refuse a URL whose user-info or query string holds a credential that is not a ``${SECRET}`` placeholder."""
    parts = urlsplit(url)
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    if userinfo and not all(SECRET_PLACEHOLDER.match(piece) for piece in userinfo.split(":") if piece):
        raise RequirementError(
            f"URL {_redact(url)} embeds a credential",
            "store the token as a secret and reference it as a placeholder, e.g. "
            "https://${GH_TOKEN}@github.com/org/repo.git; the value must never be written into the project",
        )
    signed = {key.lower() for key in parse_qs(parts.query)} & _SIGNED_URL_KEYS
    if signed and not all(SECRET_PLACEHOLDER.match(v) for key, values in parse_qs(parts.query).items()
                          if key.lower() in signed for v in values):
        raise RequirementError(
            f"URL {_redact(url)} carries a signed credential in its query ({', '.join(sorted(signed))})",
            "publish the wheel on an index reachable with a ${SECRET} placeholder, or reference the signature as a "
            "placeholder; signed URLs also expire",
        )


def _redact(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rpartition("@")[2]
    query = "***" if parts.query else ""
    return repr(parts._replace(netloc=netloc, query=query).geturl())
