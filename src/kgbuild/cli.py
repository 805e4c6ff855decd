"""The kgbuild command line: validate, build, query, serve, schema. Thin: each command calls one stage."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .config import settings


def _progress(quiet: bool):
    """Report stages on a terminal; stay quiet in CI and when output is piped."""
    if quiet or os.environ.get("CI") or not sys.stderr.isatty():
        return None
    return lambda message: click.echo(f"  {message} ...", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kgbuild")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Build a checked knowledge graph from curated YAML facts, and serve it over SPARQL."""
    ctx.obj = settings()


@cli.command()
@click.argument("facts_dir", required=False, type=click.Path(path_type=Path))
@click.pass_obj
def validate(config, facts_dir: Path | None) -> None:
    """Check the YAML in FACTS_DIR (default: facts/) and report every problem at once."""
    from .facts import collect_facts
    from .facts.problems import display_path

    facts_dir = facts_dir or config.facts
    facts, problems = collect_facts(facts_dir)
    if problems:
        click.echo("\n".join(str(problem) for problem in problems), err=True)
        raise click.ClickException(f"{len(problems)} problem(s) in {facts_dir}/")
    for warning in sorted(facts.warnings):
        click.echo(f"warning: {warning}", err=True)
    counts = ", ".join(f"{count} {kind}" for kind, count in facts.count().items() if count)
    click.echo(f"{display_path(facts_dir)}/: ok ({counts})")


@cli.command()
@click.option("--facts", "facts_dir", type=click.Path(path_type=Path), help="facts folder (default: facts/)")
@click.option("--out", type=click.Path(path_type=Path), help="where the build goes (default: dist/)")
@click.option("--ontology", "ontology_dir", type=click.Path(path_type=Path), help="ontology folder (default: ontology/)")
@click.option("--queries", "queries_dir", type=click.Path(path_type=Path), help="stored queries to ship (default: queries/)")
@click.option("--quiet", "-q", is_flag=True, help="no progress messages")
@click.pass_obj
def build(config, facts_dir, out, ontology_dir, queries_dir, quiet) -> None:
    """Build the knowledge graph: facts -> checked RDF -> dist/ (store, dumps, VoID, report), atomically.

    A failed build leaves dist/ exactly as it was.
    """
    from .facts import FactsError
    from .facts.problems import display_path
    from .graph.build import build as run_build
    from .graph.reasoning import ReasonerError

    out = out or config.dist
    try:
        result = run_build(facts_dir or config.facts, out, ontology_dir or config.ontology,
                           queries_dir or config.queries, base=config.base_iri, progress=_progress(quiet))
    except FactsError as error:
        click.echo(str(error), err=True)
        raise click.ClickException(f"build failed with {len(error.problems)} problem(s); {out}/ is unchanged") from None
    except ReasonerError as error:
        raise click.ClickException(f"{error}; {out}/ is unchanged") from None
    for warning in result.report["warnings"]:
        click.echo(f"warning: {warning}", err=True)
    triples = result.report["triples"]
    click.echo(f"built {display_path(Path(out))}/ ({result.build_id}): {triples['total']} triples "
               f"({triples['facts']} facts, {triples['inferred']} inferred, {triples['ontology']} ontology)")


@cli.command()
@click.argument("query")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="table for people, csv/tsv/json for scripts")
@click.option("--dist", type=click.Path(path_type=Path), help="the build to query (default: dist/)")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="bind a parameter of a stored query (repeatable)")
@click.pass_obj
def query(config, query: str, output_format: str, dist: Path | None, params: tuple[str, ...]) -> None:
    """Run QUERY (a .rq file or SPARQL text) on the built store and print the answer."""
    from .queries import QueryError, run_query
    from .store import StoreError, open_store

    try:
        built = open_store(dist or config.dist)
        text = Path(query).read_text("utf-8") if query.endswith(".rq") or Path(query).is_file() else query
        bindings = dict(param.split("=", 1) for param in params if "=" in param)
        output = run_query(built, text, bindings, output_format)
    except (StoreError, QueryError, OSError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(output, nl=not output.endswith("\n"))


@cli.command()
@click.option("--facts", "facts_dir", type=click.Path(path_type=Path), help="facts whose ids become completions")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="write to this file instead of stdout")
@click.pass_obj
def schema(config, facts_dir: Path | None, output: Path | None) -> None:
    """Print the JSON Schema of the facts files (editors validate and autocomplete with it)."""
    from .facts import collect_facts
    from .facts.schema import facts_schema

    facts, _ = collect_facts(facts_dir or config.facts)
    text = json.dumps(facts_schema(facts), indent=2, ensure_ascii=False) + "\n"
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, "utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.option("--bind", help="HOST:PORT to listen on (default 127.0.0.1:8000)")
@click.option("--workers", type=int, help="worker processes (default 2)")
@click.option("--dist", type=click.Path(path_type=Path), help="the build to serve (default: dist/)")
@click.pass_obj
def serve(config, bind: str | None, workers: int | None, dist: Path | None) -> None:
    """Serve dist/ over HTTP: SPARQL endpoint, linked data, dumps and the query UI (gunicorn)."""
    from .store import StoreError
    from .web.server import serve as run_server

    try:
        run_server(dist or config.dist, bind or config.bind, workers or config.workers)
    except StoreError as error:
        raise click.ClickException(str(error)) from None


def main() -> None:  # pragma: no cover
    cli()
