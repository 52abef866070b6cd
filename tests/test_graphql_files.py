"""The GraphQL documents are `.graphql` files beside the modules that send them: each file is
one operation named after it (or a package's shared fragments), every one is among the
documents the conformance tests validate, and no shared fragment is dead."""

from __future__ import annotations

import re
from pathlib import Path

from sync.github.documents import document, fragments_for
from tests.conformance.documents import all_documents

SRC = Path(__file__).resolve().parents[1] / "src" / "sync"
FILES = sorted(p for p in SRC.rglob("*.graphql") if "emulator" not in p.parts)


def test_every_operation_file_is_a_checked_document() -> None:
    documents = all_documents()
    operations = [p for p in FILES if p.name != "fragments.graphql"]
    assert len(operations) >= 20
    for path in operations:
        assert re.match(rf"(query|mutation) {path.stem}\b", path.read_text("utf-8")), path
        package = ".".join(path.parent.relative_to(SRC.parent).parts)
        assert documents[path.stem] == document(package, path.stem), path


def test_every_shared_fragment_is_used() -> None:
    for fragments in (p for p in FILES if p.name == "fragments.graphql"):
        package = ".".join(fragments.parent.relative_to(SRC.parent).parts)
        used = "".join(
            fragments_for(package, p.read_text("utf-8"))
            for p in fragments.parent.glob("*.graphql")
            if p != fragments
        )
        defined = re.findall(r"^fragment (\w+)", fragments.read_text("utf-8"), re.M)
        assert defined and all(f"fragment {name} " in used for name in defined), fragments


def test_a_document_gets_the_fragments_it_spreads_and_no_other() -> None:
    text = document("sync.github", "ItemFieldValues")
    assert re.findall(r"^fragment (\w+)", text, re.M) == ["FieldValuePage", "FieldName"]
    tree = document("sync.github", "IssueTree")
    assert "@include(if: $withBoard)" in tree and "fragment FieldValuePage" in tree
