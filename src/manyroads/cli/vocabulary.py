"""`manyroads vocabulary`: the canonical features and how source codes map onto them."""

from __future__ import annotations

import typer
from rich.table import Table

from manyroads.cli.state import console, print_json
from manyroads.vocabulary.document import vocabulary_markdown
from manyroads.vocabulary.features import FEATURES
from manyroads.vocabulary.meeting_guide import STANDARD_CODE_FOR_FEATURE


def vocabulary_command(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    markdown: bool = typer.Option(False, "--markdown", help="Print the Markdown page (docs/vocabulary.md)."),
) -> None:
    """The canonical feature vocabulary, with English and Spanish labels and output codes."""
    if markdown:
        typer.echo(vocabulary_markdown(), nl=False)
        return
    rows = [
        {
            "name": f.name,
            "group": f.group.value,
            "en": f.label_en,
            "es": f.label_es,
            "meeting_guide_code": STANDARD_CODE_FOR_FEATURE.get(f.name, ""),
        }
        for f in FEATURES
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("name", "group", "English", "Meeting Guide code")
    for row in rows:
        table.add_row(row["name"], row["group"], row["en"], row["meeting_guide_code"])
    console.print(table)
