"""Benchmarks: run every measurement, print one table, write bench-results/ (JSON and an SVG chart).

Settings (environment):
- BENCH_SIZES (default "10k,100k,1m"); BENCH_REPEATS (build runs per size, default 3; 2 at 1m); BENCH_SEED;
- BENCH_QUERY_SIZE (data set of the query benchmark, default the largest); BENCH_QUERIES=0 (builds only);
  BENCH_QUERY_REPEATS (timed runs per query and server, default 11, the two servers asked in turns);
- BENCH_RDFLIB_SIZE (rdflib-endpoint's data set, default the query benchmark's; "none" skips it) and
  BENCH_RDFLIB_CAP (seconds one rdflib query may take, default 30);
- BENCH_DIST (queries only, on that built dist, labelled with the last of BENCH_SIZES);
- BENCH_RESULTS (where the report goes, default bench-results/);
- BENCH_SHACL=0 skips the SHACL engines (shacl_bench.py, with its own BENCH_SHACL_* settings);
- BENCH_SERVERS (the HTTP servers kgbuild is measured under, default "granian,gunicorn"); BENCH_PAGES=0 skips
  the resource pages. The server rows alone, on a build made before: BENCH_DIST=bench-results/work/dist-100k
  BENCH_SIZES=100k BENCH_RDFLIB_SIZE=none BENCH_PAGES=0 BENCH_SEARCH=0 make bench;
- BENCH_SEARCH=0 skips the label search (search_bench.py, on the query benchmark's build);
- BENCH_LOOP=0 skips the maintainer's loop (loop_bench.py: the curated build, serve --watch; BENCH_LOOP_REPEATS).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from . import build_bench, loop_bench, query_bench, search_bench, shacl_bench
from .generate import generate
from .report import Row, write_report

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "bench-results" / "work"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}" if len(values) > 1 else "1 run"


def bench_builds(sizes: list[str], seed: int) -> tuple[list[Row], dict, dict[str, Path]]:
    rows: list[Row] = []
    raw: dict = {}
    dists: dict[str, Path] = {}
    for size in sizes:
        facts = WORK / f"facts-{size}"
        if not facts.is_dir():
            say(f"generating {size} facts")
            generate(facts, SIZES[size], seed)
        repeats = int(os.environ.get("BENCH_REPEATS", "3" if size != "1m" else "2"))
        builds, baselines = [], []
        out = WORK / f"dist-{size}"
        for run in range(repeats):
            say(f"build {size}, run {run + 1}/{repeats}")
            builds.append(build_bench.run_build(facts, out))
            baselines.append(build_bench.run_baseline(facts, out / "kg.nt"))
        dists[size] = out
        total = [b["total"] for b in builds]
        floor = [b["total"] for b in baselines]
        stages = {
            stage: statistics.median(b["timings"].get(stage, 0.0) for b in builds) for stage in build_bench.STAGES
        }
        raw[size] = {"builds": builds, "baselines": baselines, "stages": stages, "triples": builds[0]["triples"]}
        ratio = statistics.median(total) / statistics.median(floor)
        rows.append(
            Row(
                f"build {size} ({builds[0]['triples']} triples), s",
                statistics.median(total),
                statistics.median(floor),
                ratio,
                "<= 3x" if size == "1m" else "(info)",
                ratio <= 3 if size == "1m" else None,
                spread=f"{spread(total)} / {spread(floor)}",
            )
        )
        cpu, floor_cpu = statistics.median(b["cpu"] for b in builds), statistics.median(b["cpu"] for b in baselines)
        rows.append(Row(f"build {size} CPU, all processes, s", cpu, floor_cpu, cpu / floor_cpu, "(info)", None,
                        spread=f"{spread([b['cpu'] for b in builds])} / {spread([b['cpu'] for b in baselines])}"))
        facts_stage = [b["timings"].get("load", 0.0) + b["timings"].get("validate", 0.0) for b in builds]
        parse = [b["yaml"] for b in baselines]  # the floor's libyaml parse of the same files
        rows.append(Row(f"facts stage {size} (load + validate) vs libyaml parse, s", statistics.median(facts_stage),
                        statistics.median(parse), statistics.median(facts_stage) / statistics.median(parse),
                        "(info)", None, spread=f"{spread(facts_stage)} / {spread(parse)}"))
        rows.append(Row(f"build {size} peak memory, MiB", statistics.median(b["peak_mib"] for b in builds),
                        statistics.median(b["peak_mib"] for b in baselines), None, "(info)", None))
    ordered = [size for size in SIZES if size in raw]
    for smaller, larger in zip(ordered, ordered[1:], strict=False):
        data = raw[larger]["triples"] / raw[smaller]["triples"]
        for stage in build_bench.STAGES:
            before, after = raw[smaller]["stages"][stage], raw[larger]["stages"][stage]
            growth = after / before if before > 0 else float("nan")
            rows.append(Row(f"stage {stage} {smaller}->{larger} (data x{data:.1f}), s", after, before, growth,
                            f"<= {data * 1.2:.0f}x", growth <= data * 1.2))
    return rows, raw, dists


def bench_servers() -> list[str]:
    """The HTTP servers kgbuild is measured under (BENCH_SERVERS, default every one it runs)."""
    from kgbuild.config import SERVERS

    chosen = [name.strip() for name in os.environ.get("BENCH_SERVERS", ",".join(SERVERS)).split(",") if name.strip()]
    unknown = [name for name in chosen if name not in SERVERS]
    if unknown or not chosen:
        raise SystemExit(f"BENCH_SERVERS: unknown server(s) {', '.join(unknown) or '(none)'}; use {', '.join(SERVERS)}")
    return chosen


def bench_queries(dist: Path, rdflib_dist: Path | None, size: str, rdflib_size: str) -> tuple[list[Row], dict]:
    rows: list[Row] = []
    raw: dict = {"size": size, "rdflib_size": rdflib_size}
    texts = query_bench.workload(dist)
    repeats = int(os.environ.get("BENCH_QUERY_REPEATS", "11"))
    names = bench_servers()
    say(f"starting kgbuild serve under {', '.join(names)}, and oxigraph serve")
    ours = {name: query_bench.start_kgbuild(dist, server=name) for name in names}
    oxigraph = query_bench.start_oxigraph(dist)
    time.sleep(2)  # ready means one answer; give both servers' remaining workers time to start before timing
    try:
        for name, kgbuild in ours.items():
            raw[f"startup_s {name}"] = kgbuild.ready_after
            rows.append(Row(f"kgbuild serve ready ({size}) [{name}], s", kgbuild.ready_after, oxigraph.ready_after,
                            kgbuild.ready_after / oxigraph.ready_after, "< 1 s", kgbuild.ready_after < 1.0))
        rows += bench_latencies(texts, ours, oxigraph, repeats, raw)
        rows += bench_throughput(texts, ours, oxigraph, raw)
        if os.environ.get("BENCH_PAGES", "1") != "0":
            first = next(iter(ours.values()))  # pages are the app's work: measured under the first server
            rows += bench_resource_pages(dist, first, oxigraph, repeats, raw)
        for name, kgbuild in ours.items():
            workers = kgbuild.worker_memory_mib()
            raw[f"memory {name}"] = {"kgbuild_workers_mib": workers, "oxigraph_mib": oxigraph.memory_mib()}
            rows.append(Row(f"memory per kgbuild worker [{name}], MiB", max(workers) if workers else float("nan"),
                            oxigraph.memory_mib(), None, "(info; baseline: oxigraph serve)", None))
    finally:
        for kgbuild in ours.values():
            kgbuild.stop()
        oxigraph.stop()
    if rdflib_dist is not None:
        rows += bench_rdflib_endpoint(rdflib_dist, rdflib_size, raw)
    return rows, raw


def bench_latencies(texts: dict[str, str], ours: dict, oxigraph, repeats: int, raw: dict) -> list[Row]:
    """Each query on every kgbuild server and on oxigraph serve, asked in turns (query_bench.in_turns)."""
    rows = []
    latencies: dict[str, dict] = {}
    for query, text in texts.items():
        say(f"latency: {query}")
        servers = (*ours.values(), oxigraph)
        sides = [lambda server=server, text=text: query_bench.ask(server, text) for server in servers]
        *figures, theirs = query_bench.in_turns(sides, repeats)
        latencies[query] = {**dict(zip(ours, figures, strict=True)), "oxigraph": theirs}
        for name, mine in zip(ours, figures, strict=True):
            large = mine["bytes"] > 100_000 or query.endswith(("10k-rows", "10k-triples"))
            limit = 1.15 if large else 1.5
            ratio = mine["median"] / theirs["median"]
            rows.append(Row(f"latency {query} ({'large' if large else 'small'}) [{name}], ms", mine["median"] * 1000,
                            theirs["median"] * 1000, ratio, f"<= {limit}x oxigraph", ratio <= limit,
                            spread=f"{mine['min'] * 1000:.1f}-{mine['max'] * 1000:.1f} / "
                                   f"{theirs['min'] * 1000:.1f}-{theirs['max'] * 1000:.1f}"))
    raw["latency"] = latencies
    return rows


def bench_throughput(texts: dict[str, str], ours: dict, oxigraph, raw: dict) -> list[Row]:
    """8 clients for 5 s on each server in turn, oxigraph serve between each kgbuild turn and the next."""
    analyst = [text for name, text in texts.items() if not name.startswith(("select-10k", "construct-10k"))]
    rows = []
    raw["throughput"] = {}
    for name, kgbuild in ours.items():
        say(f"throughput, 8 clients [{name}]")
        mine = query_bench.throughput(kgbuild, analyst)
        theirs = query_bench.throughput(oxigraph, analyst)
        raw["throughput"][name] = {"kgbuild": mine, "oxigraph": theirs}
        ratio = mine["per_second"] / theirs["per_second"]
        rows.append(Row(f"throughput, 8 clients, analyst queries [{name}], req/s", mine["per_second"],
                        theirs["per_second"], ratio, ">= 0.8x oxigraph", ratio >= 0.8,
                        spread=f"failed: {mine['failed']} / {theirs['failed']}"
                        if mine["failed"] or theirs["failed"] else ""))
    return rows


def bench_resource_pages(dist: Path, kgbuild, oxigraph, repeats: int, raw: dict) -> list[Row]:
    """Resource pages against the same resource's DESCRIBE on oxigraph serve: one page asked again and
    again (a worker keeps a rendered page for the build), and pages of distinct resources, each asked
    once (rendered from the store: a crawler's view)."""
    rows = []
    describe_text = f"DESCRIBE <{query_bench.BASE}id/organisation/org00001>"
    sample = query_bench.page_sample(dist, per_class=8)
    raw["pages"] = {"sample": sample}
    for turn, accept in enumerate(("text/turtle", "text/html")):
        page, describe = query_bench.alternate(
            lambda accept=accept: query_bench.fetch(f"{kgbuild.root}/id/organisation/org00001", accept),
            lambda: query_bench.ask(oxigraph, describe_text), repeats)
        raw["pages"][f"same page again {accept}"] = {"kgbuild": page, "oxigraph_describe": describe}
        ratio = page["median"] / describe["median"]
        rows.append(
            Row(
                f"resource page {accept}, same page again, ms",
                page["median"] * 1000,
                describe["median"] * 1000,
                ratio,
                "<= 3x DESCRIBE on oxigraph",
                ratio <= 3,
                spread=f"{page['min'] * 1000:.1f}-{page['max'] * 1000:.1f} / "
                f"{describe['min'] * 1000:.1f}-{describe['max'] * 1000:.1f}",
            )
        )
        firsts, describes, failed = [], [], []
        for path in sample[turn::2]:  # each page once, the first request for it on this build, beside its DESCRIBE
            (page_seconds, page_bytes) = query_bench.fetch(f"{kgbuild.root}{path}", accept)
            (describe_seconds, describe_bytes) = query_bench.ask(oxigraph, f"DESCRIBE <{query_bench.BASE}{path[1:]}>")
            if page_bytes < 0 or describe_bytes < 0:
                failed.append(path)  # counted apart: a failure's time is its timeout, no latency
                continue
            firsts.append(page_seconds)
            describes.append(describe_seconds)
        raw["pages"][f"each once {accept}"] = {"kgbuild": firsts, "oxigraph_describe": describes, "failed": failed}
        if not firsts:
            rows.append(Row(f"resource page {accept}, pages once each, ms", float("nan"), float("nan"), None,
                            "<= 3x DESCRIBE on oxigraph", False, spread=f"failed: {len(failed)}"))
            continue
        ours, theirs = statistics.median(firsts), statistics.median(describes)
        rows.append(Row(f"resource page {accept}, {len(firsts)} pages once each, ms", ours * 1000, theirs * 1000,
                        ours / theirs, "<= 3x DESCRIBE on oxigraph", ours / theirs <= 3 and not failed,
                        spread=f"{min(firsts) * 1000:.1f}-{max(firsts) * 1000:.1f} / "
                               f"{min(describes) * 1000:.1f}-{max(describes) * 1000:.1f}"
                               + (f"; failed: {len(failed)}" if failed else "")))
    return rows


def bench_rdflib_endpoint(dist: Path, size: str, raw: dict) -> list[Row]:
    """Every analyst query on kgbuild and on rdflib-endpoint over the same data. rdflib answers one query
    at a time, so one it cannot answer within the cap would hold up the next: the peer is restarted
    after it, and the cap counts as its time (so the ratio shown is a lower bound)."""
    cap = float(os.environ.get("BENCH_RDFLIB_CAP", "30"))
    rows: list[Row] = []
    say(f"starting rdflib-endpoint on the {size} data set (it parses kg.nt into an rdflib graph)")
    texts = query_bench.workload(dist)
    kgbuild = query_bench.start_kgbuild(dist)
    peer = query_bench.start_rdflib_endpoint(dist)
    try:
        raw["rdflib_ready_s"] = peer.ready_after
        for name, text in texts.items():
            if name.startswith(("select-10k", "construct-10k", "describe")):
                continue
            say(f"rdflib-endpoint: {name}")
            ours = query_bench.latency(kgbuild, text, 3)
            theirs = query_bench.latency(peer, text, 2, timeout=cap, warm=False)
            seconds = cap if theirs["failed"] else theirs["median"]
            ratio = seconds / ours["median"]
            rows.append(
                Row(
                    f"vs rdflib-endpoint ({size}) {name}, ms",
                    ours["median"] * 1000,
                    seconds * 1000,
                    ratio,
                    ">= 10x faster",
                    ratio >= 10,
                    spread=f"rdflib over the {cap:.0f} s cap: ratio is at least this" if theirs["failed"] else "",
                )
            )
            if theirs["failed"]:
                say(f"rdflib-endpoint passed the {cap:.0f} s cap; restarting it")
                peer.stop()
                peer = query_bench.start_rdflib_endpoint(dist)
    finally:
        kgbuild.stop()
        peer.stop()
    return rows


def main() -> None:
    started = time.perf_counter()
    sizes = [size.strip().lower() for size in os.environ.get("BENCH_SIZES", "10k,100k,1m").split(",") if size.strip()]
    unknown = [size for size in sizes if size not in SIZES]
    if unknown:
        raise SystemExit(f"BENCH_SIZES: unknown size(s) {', '.join(unknown)}; use {', '.join(SIZES)}")
    seed = int(os.environ.get("BENCH_SEED", "1"))
    WORK.mkdir(parents=True, exist_ok=True)
    if os.environ.get("BENCH_DIST"):  # queries only, on a build made before (e.g. a copy of bench-results/work/dist-1m)
        rows, raw, dists = [], {}, {sizes[-1]: Path(os.environ["BENCH_DIST"])}
    else:
        rows, raw, dists = bench_builds(sizes, seed)
    if os.environ.get("BENCH_LOOP", "1") != "0" and not os.environ.get("BENCH_DIST"):
        loop_rows, raw["loop"] = loop_bench.bench(WORK)
        rows += loop_rows
    if os.environ.get("BENCH_SHACL", "1") != "0" and not os.environ.get("BENCH_DIST"):
        shacl_rows, raw["shacl"] = shacl_bench.bench(sizes, WORK, SIZES, seed)
        rows += shacl_rows
    query_size = os.environ.get("BENCH_QUERY_SIZE", sizes[-1])
    rdflib_size = os.environ.get("BENCH_RDFLIB_SIZE", query_size)  # the issue asks for the same data as the rest
    if os.environ.get("BENCH_QUERIES", "1") != "0" and query_size in dists:
        query_rows, raw["queries"] = bench_queries(dists[query_size], dists.get(rdflib_size), query_size, rdflib_size)
        rows += query_rows
    if os.environ.get("BENCH_SEARCH", "1") != "0" and query_size in dists:
        say("label search")
        search_rows, raw["search"] = search_bench.bench(dists[query_size], query_size)
        rows += search_rows
    raw["seconds"] = time.perf_counter() - started
    write_report(rows, raw, Path(os.environ.get("BENCH_RESULTS", ROOT / "bench-results")))
    say(f"done in {raw['seconds']:.0f} s; bench-results/report.json, bench-results/report.svg")


if __name__ == "__main__":
    main()
