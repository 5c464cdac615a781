"""Load YAML keeping line numbers, so a bad file is reported as file:line: reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)


class DataFileError(ValueError):
    """A data file is malformed; the message reads `file:line: reason`."""


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file and its node tree, for pointing at lines."""

    path: Path
    data: Any
    root: yaml.Node | None

    def line_of(self, location: Sequence[int | str]) -> int:
        """The 1-based line of the deepest node found along `location`."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else 1
        for part in location:
            child = _child(node, part)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line

    def error(self, location: Sequence[int | str], reason: str) -> DataFileError:
        return DataFileError(f"{self.path}:{self.line_of(location)}: {reason}")

    def parse(self, model: type[ModelT]) -> ModelT:
        """Validate the whole document as `model`; a fault becomes file:line: reason."""
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            raise self.validation_error(exc) from None

    def validation_error(self, exc: ValidationError) -> DataFileError:
        """The first pydantic error, pointed at its line."""
        first = exc.errors()[0]
        location = [part for part in first["loc"] if isinstance(part, int | str)]
        where = ".".join(str(part) for part in location)
        message = str(first["msg"]).removeprefix("Value error, ")
        return self.error(location, f"{where}: {message}" if where else message)


def _child(node: yaml.Node | None, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                found: yaml.Node = value
                return found
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        child: yaml.Node = node.value[part]
        return child
    return None


def load_yaml(path: Path) -> YamlDocument:
    """Parse `path` safely; syntax errors become DataFileError with the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"{path}:1: cannot read ({exc.strerror})") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 1
        raise DataFileError(f"{path}:{line}: YAML syntax: {exc.problem}") from None
    return YamlDocument(path=path, data=data, root=root)
