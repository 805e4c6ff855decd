"""The kgbuild command line: validate, build, query, serve, schema, diff, new. Thin: each command calls one stage."""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path

import click

from .config import SERVERS, SettingsError, build_day, settings


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
    try:
        ctx.obj = settings()
        build_day()  # a malformed SOURCE_DATE_EPOCH is a setting's mistake too
    except SettingsError as error:  # a usage mistake: one line, exit status 2, no traceback
        click.echo(f"Error: {error}", err=True)
        ctx.exit(2)


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
@click.option(
    "--ontology", "ontology_dir", type=click.Path(path_type=Path), help="ontology folder (default: ontology/)"
)
@click.option(
    "--queries", "queries_dir", type=click.Path(path_type=Path), help="stored queries to ship (default: queries/)"
)
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
    from .storedqueries import QueryError

    out = out or config.dist
    try:
        result = run_build(facts_dir or config.facts, out, ontology_dir or config.ontology,
                           queries_dir or config.queries, base=config.base_iri, progress=_progress(quiet))
    except FactsError as error:
        click.echo(str(error), err=True)
        raise click.ClickException(f"build failed with {len(error.problems)} problem(s); {out}/ is unchanged") from None
    except (ReasonerError, QueryError) as error:
        raise click.ClickException(f"{error}; {out}/ is unchanged") from None
    except OSError as error:  # the write stage removed its half-written folder; out/ still points where it did
        if error.errno == errno.ENOSPC or "No space left" in str(error) or "os error 28" in str(error):
            raise click.ClickException(f"build failed: the disk is full; {out}/ is unchanged (the previous build); "
                                       "free some space and build again") from None
        raise click.ClickException(f"build failed: cannot write {error.filename or out} ({error.strerror or error}); "
                                   f"{out}/ is unchanged") from None
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
    from .store import StoreError, open_store
    from .storedqueries import QueryError, run_query

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
@click.option("--backend", metavar="URL", help="serve the build published in this SPARQL endpoint (see "
              "`kgbuild publish`) instead of dist/'s store; --dist then only supplies the dumps")
@click.option("--server", "server_name", type=click.Choice(SERVERS),
              help="the HTTP server to run the app under (default: the `server` setting, KGBUILD_SERVER)")
@click.option("--watch", is_flag=True, help="for maintainers: rebuild on every saved change to facts/, ontology/ "
              "or queries/, and reload open pages (gunicorn, one worker of many threads)")
@click.option("--facts", "facts_dir", type=click.Path(path_type=Path),
              help="with --watch: the facts folder to build (default: facts/)")
@click.pass_obj
def serve(config, bind: str | None, workers: int | None, dist: Path | None, backend: str | None,
          server_name: str | None, watch: bool, facts_dir: Path | None) -> None:
    """Serve dist/ over HTTP: SPARQL endpoint, linked data, dumps and the query UI (granian or gunicorn).

    With --backend URL the server keeps no data: it answers from a remote store, so several
    replicas can share one store behind a load balancer (docs/deployment.md).

    With --watch (`make dev`) it builds first, then again whenever a file in facts/, ontology/ or
    queries/ is saved; a failed build prints its problems as file:line and the last good build stays
    served; open pages reload themselves when a new build is served, or show the problems. Watch mode
    runs gunicorn with one worker of many threads: each open page holds one thread.
    """
    from .store import StoreError
    from .web.server import serve as run_server

    if watch:
        if backend or workers or server_name:
            raise click.UsageError("--watch builds dist/ and serves it with one gunicorn worker: "
                                   "leave out --backend, --workers and --server")
        from .watch import Watched, WatchError, serve_watching

        watched = Watched(facts=facts_dir or config.facts, ontology=config.ontology, queries=config.queries,
                          out=dist or config.dist, base=config.base_iri)
        try:
            serve_watching(watched, bind or config.bind)
        except (WatchError, StoreError) as error:
            raise click.ClickException(str(error)) from None
        return
    if facts_dir:
        raise click.UsageError("--facts goes with --watch (a plain serve reads only dist/)")
    try:
        if backend:  # a folder naming the store stands where dist/ would: the server opens it as a store
            from .store.remote import write_pointer

            dist = write_pointer(backend, config.base_iri, dist)
        run_server(dist or config.dist, bind or config.bind, workers or config.workers,
                   server=server_name or config.server)
    except (StoreError, ValueError) as error:  # ValueError: a --bind that is no HOST:PORT
        raise click.ClickException(str(error)) from None


@cli.command()
@click.option("--endpoint", required=True, metavar="URL", help="the store's Graph Store Protocol URL "
              "(Oxigraph: http://HOST:7878/store, Virtuoso: http://HOST:8890/sparql-graph-crud-auth)")
@click.option("--graph", metavar="IRI", help="put the union of the build into this one graph "
              "(default: each build graph under its own IRI, {base}graph/ontology, /facts, /inferred)")
@click.option("--sparql", metavar="URL", help="the store's SPARQL query endpoint (default: from --endpoint)")
@click.option("--user", envvar="KGBUILD_PUBLISH_USER", help="user name (or KGBUILD_PUBLISH_USER)")
@click.option("--password", envvar="KGBUILD_PUBLISH_PASSWORD", help="password (or KGBUILD_PUBLISH_PASSWORD)")
@click.option("--auth", "auth_scheme", type=click.Choice(["auto", "digest", "basic"]), default="auto",
              show_default=True, help="HTTP authentication; auto answers the store's challenge")
@click.option("--dist", type=click.Path(path_type=Path), help="the build to publish (default: dist/)")
@click.option("--dry-run", is_flag=True, help="only count: triples in the store now vs in the build")
@click.pass_obj
def publish(config, endpoint, graph, sparql, user, password, auth_scheme, dist, dry_run) -> None:
    """Upload a build to a triplestore (SPARQL 1.1 Graph Store Protocol) and check its triple counts.

    Each graph is replaced in one PUT; a publication record (build id, report, stored queries,
    VoID) goes last into {base}graph/publication, for `kgbuild serve --backend`.
    """
    from .publish import GraphStore, PublishError, publish as run_publish, sparql_endpoint_for

    dist = dist or config.dist
    try:
        store = GraphStore(endpoint, sparql or sparql_endpoint_for(endpoint), user, password, auth_scheme)
        done = run_publish(dist, store, graph, dry_run, _progress(False))
    except (PublishError, OSError, ValueError, KeyError) as error:
        raise click.ClickException(f"publish failed: {error}") from None
    for outcome in done.outcomes:
        if dry_run:
            click.echo(f"<{outcome.graph}>: {outcome.before} triples in the store, {outcome.after} in the build "
                       f"({outcome.after - outcome.before:+d})")
        else:
            click.echo(f"<{outcome.graph}>: {outcome.after} triples (were {outcome.before})"
                       f"{', sent gzipped' if outcome.gzip else ''}; count checked")
    click.echo(f"the store held build {done.previous_build or '(none)'}; "
               f"{'publishing would put' if dry_run else 'it now holds'} build {done.build_id} of {dist}/")


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "turtle"]), default="text",
              show_default=True, help="text for people, json for scripts, turtle for a PROV-O change set")
@click.option("--facts", "facts_dir", type=click.Path(path_type=Path),
              help="the facts folder whose git revisions are compared (default: facts/)")
@click.pass_context
def diff(ctx: click.Context, old: str, new: str, output_format: str, facts_dir: Path | None) -> None:
    """Say which facts changed from OLD to NEW, one line per change.

    OLD and NEW are each a facts folder, a build folder (dist/), a kept build's id or version, or a
    git revision of the facts folder (HEAD~1, a tag, a commit): `kgbuild diff HEAD~1 HEAD`,
    `kgbuild diff v1 facts/`. Exit status, as diff(1): 0 no change, 1 changes, 2 trouble.
    """
    from .facts import FactsError
    from .graph.write import builds_folder
    from .revisions import RevisionError, compare

    config = ctx.obj
    try:
        output, change_set = compare(old, new, facts_dir or config.facts, output_format, config.base_iri,
                                     builds_folder(config.dist))
    except (RevisionError, FactsError) as error:
        click.echo(f"Error: {error}", err=True)
        ctx.exit(2)
    click.echo(output, nl=False)
    if not change_set:
        click.echo(f"no fact changed from {old} to {new}", err=True)
    ctx.exit(1 if change_set else 0)


@cli.command()
def ui() -> None:
    """Install the query UI's assets (YASGUI) into this kgbuild, from node_modules/ or the npm registry."""
    from .uiassets import UiAssetsError, find_yasgui, install_yasgui

    try:
        folder = install_yasgui()
    except UiAssetsError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"installed YASGUI into {folder}; /sparql shows the query UI" if find_yasgui() == folder
               else f"installed YASGUI into {folder}")


@cli.group()
def new() -> None:
    """Add a record to the facts in the file's own style, then validate the folder (undone on a problem)."""


def _facts_option(command):
    return click.option("--facts", "facts_dir", type=click.Path(path_type=Path),
                        help="facts folder (default: facts/)")(command)


def _add(config, facts_dir: Path | None, kind: str, fields: dict, organisation: str | None = None) -> None:
    from .authoring import AuthoringError, add_record
    from .facts.problems import display_path

    try:
        added = add_record(facts_dir or config.facts, kind, fields, organisation)
    except AuthoringError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(str(error)) from None
    click.echo(f"added {added}")
    if added.schema_refreshed is not None:
        click.echo(f"updated {display_path(added.schema_refreshed)} (editors complete the new id)", err=True)


@new.command("member")
@_facts_option
@click.option("--org", required=True, help="the organisation's id: its file is facts/ORG.yaml")
@click.option("--country", help="the member's ISO 3166-1 alpha-2 code (kw)")
@click.option("--member", "member_id", help="or an organisation id, for an organisation member (un)")
@click.option("--status", type=click.Choice(["full", "observer", "partner"]), default="full", show_default=True)
@click.option("--since", help="when it began: YYYY, YYYY-MM or YYYY-MM-DD")
@click.option("--attested", help="instead of --since when no source gives the start: a day a source shows it held")
@click.option("--until", help="when it ended, if it did")
@click.option("--source", multiple=True, required=True, help="a source id from facts/sources.yaml (repeatable)")
@click.option("--note", help="a note for maintainers")
@click.pass_obj
def new_member(config, facts_dir, org, country, member_id, status, since, attested, until, source, note) -> None:
    """Add a member, observer or partner of ORG:
    `kgbuild new member --org cica --country kw --since 2022-10-13 --source S`."""
    if bool(country) == bool(member_id):
        raise click.UsageError("give the member as --country XX or as --member ORGANISATION_ID (one of them)")
    member = country.lower() if country else member_id
    _add(config, facts_dir, "member", {"member": member, "status": status, "since": since, "attested": attested,
                                       "until": until, "source": source, "note": note}, org)


@new.command("meeting")
@_facts_option
@click.option("--org", required=True, help="the organisation's id: its file is facts/ORG.yaml")
@click.option("--series", required=True, help="summit, ministerial, or another series slug")
@click.option("--ordinal", type=click.IntRange(min=1), required=True, help="its number in the series")
@click.option("--start", required=True, help="first day: YYYY-MM-DD (or YYYY-MM, YYYY)")
@click.option("--end", help="last day, when it lasted more than one")
@click.option("--place", help="a place id from facts/places.yaml")
@click.option("--online", is_flag=True, help="instead of --place: the meeting was held online")
@click.option("--theme-en", help="its theme in English")
@click.option("--theme-id", help="its theme in Indonesian")
@click.option("--source", multiple=True, required=True, help="a source id from facts/sources.yaml (repeatable)")
@click.pass_obj
def new_meeting(config, facts_dir, org, series, ordinal, start, end, place, online, theme_en, theme_id, source) -> None:
    """Add a summit or other numbered meeting of ORG, held in a place or online."""
    if bool(place) == online:
        raise click.UsageError("give where the meeting was held as --place PLACE_ID, or --online (one of them)")
    theme = {language: text for language, text in (("en", theme_en), ("id", theme_id)) if text}
    _add(
        config,
        facts_dir,
        "meeting",
        {
            "series": series,
            "ordinal": ordinal,
            "start": start,
            "end": end,
            "place": place,
            "online": online or None,
            "theme": theme,
            "source": source,
        },
        org,
    )


@new.command("initiative")
@_facts_option
@click.option("--org", required=True, help="the organisation the initiative concerns: its file is facts/ORG.yaml")
@click.option("--id", "initiative_id", required=True, help="how records cite it: lower-case, digits and '-'")
@click.option("--label-en", required=True, help="what was proposed, in English")
@click.option("--label-id", help="the same in Indonesian")
@click.option("--proposed-by", help="a person id (or a country code) who proposed it")
@click.option("--on-behalf-of", help="a country code or organisation id")
@click.option("--proposed-at", help="the meeting id where it was proposed (cica-5)")
@click.option("--proposed-on", help="the day: YYYY-MM-DD (or YYYY-MM, YYYY)")
@click.option("--source", multiple=True, required=True, help="a source id from facts/sources.yaml (repeatable)")
@click.pass_obj
def new_initiative(config, facts_dir, org, initiative_id, label_en, label_id, proposed_by, on_behalf_of, proposed_at,
                   proposed_on, source) -> None:
    """Add an initiative (a proposal someone made) to ORG's file."""
    label = {language: text for language, text in (("en", label_en), ("id", label_id)) if text}
    _add(config, facts_dir, "initiative", {"id": initiative_id, "label": label, "proposed_by": proposed_by,
                                           "on_behalf_of": on_behalf_of, "proposed_at": proposed_at,
                                           "proposed_on": proposed_on, "source": source}, org)


@new.command("chair")
@_facts_option
@click.option("--org", required=True, help="the organisation's id: its file is facts/ORG.yaml")
@click.option("--country", required=True, help="the chair's ISO 3166-1 alpha-2 code")
@click.option("--since", required=True, help="when the chairmanship began")
@click.option("--until", help="when it ended, if it did")
@click.option("--theme-en", help="its theme in English")
@click.option("--theme-id", help="its theme in Indonesian")
@click.option("--source", multiple=True, required=True, help="a source id from facts/sources.yaml (repeatable)")
@click.pass_obj
def new_chair(config, facts_dir, org, country, since, until, theme_en, theme_id, source) -> None:
    """Add a chairmanship of ORG."""
    theme = {language: text for language, text in (("en", theme_en), ("id", theme_id)) if text}
    _add(config, facts_dir, "chair", {"chair": country.lower(), "since": since, "until": until, "theme": theme,
                                      "source": source}, org)


@new.command("source")
@_facts_option
@click.option("--id", "source_id", required=True, help="how records cite it: lower-case, digits and '-'")
@click.option("--title", required=True, help="the title as published")
@click.option("--publisher", required=True)
@click.option("--issued", help="when it was published: YYYY, YYYY-MM or YYYY-MM-DD")
@click.option("--language", required=True, help="BCP 47 tag of its text: en, id, ...")
@click.option("--url", help="where it is, if anywhere")
@click.option("--note", help="a note for maintainers")
@click.pass_obj
def new_source(config, facts_dir, source_id, title, publisher, issued, language, url, note) -> None:
    """Declare a source in facts/sources.yaml, so that records can cite it."""
    _add(config, facts_dir, "source", {"id": source_id, "title": title, "publisher": publisher, "issued": issued,
                                       "language": language, "url": url, "note": note})
