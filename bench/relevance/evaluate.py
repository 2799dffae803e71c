#!/usr/bin/env python3
"""Relevance of talksearch against an SQLite FTS5 baseline, on judged queries.

Every query of judgments.json goes through talksearch in ONE process
(`search --db DB --json --limit 10 --batch -`) and, unless --no-baseline,
through SQLite FTS5 (one row per note file, tokenize='porter unicode61',
ordered by bm25()). For each engine the tool reports, per query kind and
overall:

  nDCG@10   gain 2^grade - 1, log2(rank + 1) discount, normalised by the
            ideal ordering of all the talks judged for the query
  MRR       1 / rank of the first hit graded >= 1 (0 if none in the top 10)
  R@10      share of the talks graded >= 1 found in the top 10

plus the ratio talksearch / FTS5. A hit is a talk, `<path>#<talk index>`.
FTS5 returns files: a file hit counts as that file's first talk, `#0`
(files holding several talks can therefore only ever score their first).
A talk returned twice counts once, at its first rank.

Python 3 standard library only.
"""

import argparse
import json
import math
import os
import re
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
K = 10
# The files the FTS5 baseline indexes, one row each (--suffix to change).
NOTE_SUFFIXES = (".rst",)


def default_corpus():
    env = os.environ.get("TALKSEARCH_CORPUS")
    if env:
        return env
    return os.path.normpath(os.path.join(SOURCE_DIR, "..", "shared", "corpus",
                                         "pydanny-event-notes"))


def load_judgments(path):
    with open(path, encoding="utf-8") as f:
        judgments = json.load(f)
    for j in judgments:
        if "\n" in j["query"] or "\r" in j["query"]:
            sys.exit("evaluate: a query holds a line break: %r" % j["query"])
        if not any(g >= 1 for g in j["grades"].values()):
            sys.exit("evaluate: query %r has no talk graded 1 or 2" % j["query"])
    return judgments


# ---------------------------------------------------------------- metrics


def dedupe(ids):
    seen, out = set(), []
    for i in ids:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out


def ndcg(ranked, grades, k=K):
    dcg = sum((2 ** grades.get(t, 0) - 1) / math.log2(r + 2)
              for r, t in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(r + 2) for r, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def reciprocal_rank(ranked, grades, k=K):
    for r, t in enumerate(ranked[:k]):
        if grades.get(t, 0) >= 1:
            return 1.0 / (r + 1)
    return 0.0


def recall(ranked, grades, k=K):
    relevant = {t for t, g in grades.items() if g >= 1}
    return len(relevant & set(ranked[:k])) / len(relevant)


def score(ranked, grades):
    ranked = dedupe(ranked)
    return {"ndcg": ndcg(ranked, grades), "mrr": reciprocal_rank(ranked, grades),
            "recall": recall(ranked, grades)}


METRICS = ("ndcg", "mrr", "recall")
METRIC_NAMES = {"ndcg": "nDCG@10", "mrr": "MRR", "recall": "R@10"}


def summarise(judgments, per_query):
    """Mean of each metric per kind and overall."""
    groups = {}
    for j, s in zip(judgments, per_query):
        groups.setdefault(j["kind"], []).append(s)
    everything = list(per_query)

    def mean(rows):
        return {m: sum(r[m] for r in rows) / len(rows) for m in METRICS} | {"queries": len(rows)}

    return {"overall": mean(everything),
            "by_kind": {kind: mean(rows) for kind, rows in sorted(groups.items())}}


# ------------------------------------------------------------ talksearch


def build_index(indexer, db, corpus):
    print("evaluate: indexing %s into %s" % (corpus, db), file=sys.stderr)
    started = time.monotonic()
    done = subprocess.run([indexer, "--db", db, corpus], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit("evaluate: %s failed (exit %d):\n%s" % (indexer, done.returncode, done.stderr))
    print("evaluate: indexed in %.1f s" % (time.monotonic() - started), file=sys.stderr)


def run_talksearch(search, db, queries):
    """One `search --batch -` process for all queries; returns one list of
    hits (dicts) per query, and the errors by query."""
    done = subprocess.run([search, "--db", db, "--json", "--limit", str(K), "--batch", "-"],
                          input="".join(q + "\n" for q in queries),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit("evaluate: %s failed (exit %d):\n%s" % (search, done.returncode, done.stderr))
    lines = [l for l in done.stdout.splitlines() if l.strip()]
    if len(lines) != len(queries):
        sys.exit("evaluate: %d queries in, %d answers out" % (len(queries), len(lines)))
    results, errors = [], {}
    for q, line in zip(queries, lines):
        answer = json.loads(line)
        if "error" in answer:
            errors[q] = answer["error"]
        results.append({"hits": answer.get("hits", []), "corrected": answer.get("corrected", ""),
                        "took_ms": answer.get("took_ms")})
    return results, errors


# ------------------------------------------------------------ FTS5


def note_files(corpus, suffixes):
    for folder, dirs, files in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith(("." , "_")))
        for name in sorted(files):
            if name.lower().endswith(suffixes) and not name.startswith("."):
                path = os.path.join(folder, name)
                yield os.path.relpath(path, corpus).replace(os.sep, "/"), path


def build_fts5(corpus, suffixes):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE notes USING fts5(path UNINDEXED, body, "
               "tokenize='porter unicode61')")
    rows = []
    for rel, path in note_files(corpus, suffixes):
        with open(path, encoding="utf-8", errors="replace") as f:
            rows.append((rel, f.read()))
    if not rows:
        sys.exit("evaluate: no notes under %s" % corpus)
    db.executemany("INSERT INTO notes(path, body) VALUES (?, ?)", rows)
    db.commit()
    return db, len(rows)


def fts5_expression(query):
    """The user's query as an FTS5 MATCH expression that cannot be a syntax
    error: "quoted phrases" stay phrases, every other word is quoted on its
    own (FTS5 splits it into tokens the same way it split the notes, so
    `monkey.patch_all` becomes the phrase "monkey patch all"), all ORed:
    the natural, not-every-word-required reading, ranked by BM25."""
    parts = []
    pieces = query.split('"')
    for i, piece in enumerate(pieces):
        # Odd pieces were inside quotes (an unbalanced last quote: words).
        inside = i % 2 == 1 and i < len(pieces) - 1
        for chunk in ([piece] if inside else piece.split()):
            if re.search(r"\w", chunk):
                parts.append('"%s"' % chunk.replace('"', '""'))
    return " OR ".join(parts)


def run_fts5(db, queries):
    results = []
    for q in queries:
        expr = fts5_expression(q)
        if not expr:
            results.append({"hits": [], "expression": expr})
            continue
        rows = db.execute("SELECT path FROM notes WHERE notes MATCH ? ORDER BY bm25(notes) "
                          "LIMIT ?", (expr, K)).fetchall()
        results.append({"hits": [{"id": path + "#0", "path": path} for (path,) in rows],
                        "expression": expr})
    return results


# ------------------------------------------------------------ report


def print_table(kinds, ts, fts):
    header = "%-12s %4s" % ("kind", "n")
    for m in METRICS:
        header += "  %-26s" % (METRIC_NAMES[m] + (" ts / fts5 = ratio" if fts else " ts"))
    print(header)
    rows = [(k, ts["by_kind"][k], fts["by_kind"][k] if fts else None) for k in kinds]
    rows.append(("OVERALL", ts["overall"], fts["overall"] if fts else None))
    for kind, a, b in rows:
        line = "%-12s %4d" % (kind, a["queries"])
        for m in METRICS:
            if b is None:
                line += "  %-26s" % ("%.3f" % a[m])
            else:
                ratio = ("%.2fx" % (a[m] / b[m])) if b[m] > 0 else "inf"
                line += "  %-26s" % ("%.3f / %.3f = %s" % (a[m], b[m], ratio))
        print(line)


def ratio(a, b):
    return {m: (a[m] / b[m] if b[m] > 0 else None) for m in METRICS}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--judgments", default=os.path.join(HERE, "judgments.json"))
    p.add_argument("--db", default=os.path.join(SOURCE_DIR, "build", "relevance-db"),
                   help="the talksearch index (default: build/relevance-db)")
    p.add_argument("--corpus", default=default_corpus(),
                   help="the notes folder (default: $TALKSEARCH_CORPUS, else "
                        "../shared/corpus/pydanny-event-notes)")
    p.add_argument("--search", default=os.path.join(SOURCE_DIR, "build", "searchd", "search"),
                   help="the search program")
    p.add_argument("--indexer", default=os.path.join(SOURCE_DIR, "build", "indexer", "indexer"),
                   help="the indexer program (for --build)")
    p.add_argument("--build", action="store_true",
                   help="index the corpus into --db first (indexer --db DB CORPUS)")
    p.add_argument("--suffix", action="append",
                   help="a file ending the FTS5 baseline indexes, repeatable (default: .rst)")
    p.add_argument("--no-baseline", action="store_true", help="skip the FTS5 baseline")
    p.add_argument("--json", metavar="OUT", help="write the figures and per-query results")
    p.add_argument("--worst", type=int, default=5,
                   help="list this many worst queries for talksearch (default 5)")
    args = p.parse_args()

    judgments = load_judgments(args.judgments)
    queries = [j["query"] for j in judgments]
    kinds = sorted({j["kind"] for j in judgments})

    if args.build:
        build_index(args.indexer, args.db, args.corpus)
    if not os.path.isdir(args.db):
        sys.exit("evaluate: no index at %s (run with --build)" % args.db)

    ts_results, ts_errors = run_talksearch(args.search, args.db, queries)
    ts_scores = [score([h["id"] for h in r["hits"]], j["grades"])
                 for r, j in zip(ts_results, judgments)]
    ts = summarise(judgments, ts_scores)

    fts = fts_results = fts_scores = None
    if not args.no_baseline:
        if not os.path.isdir(args.corpus):
            sys.exit("evaluate: no corpus at %s (--corpus, or --no-baseline)" % args.corpus)
        fts_db, files = build_fts5(args.corpus, tuple(args.suffix or NOTE_SUFFIXES))
        fts_results = run_fts5(fts_db, queries)
        fts_scores = [score([h["id"] for h in r["hits"]], j["grades"])
                      for r, j in zip(fts_results, judgments)]
        fts = summarise(judgments, fts_scores)

    print("%d judged queries, top %d" % (len(judgments), K))
    if fts:
        print("FTS5 baseline: %d note files, one row each, porter unicode61, bm25; a file hit "
              "counts as the file's first talk (#0)" % files)
    print()
    print_table(kinds, ts, fts)
    if ts_errors:
        print("\ntalksearch errors:")
        for q, e in ts_errors.items():
            print("  %r: %s" % (q, e))

    order = sorted(range(len(judgments)), key=lambda i: (ts_scores[i]["ndcg"], ts_scores[i]["mrr"]))
    if args.worst > 0:
        print("\nWorst %d queries for talksearch:" % args.worst)
        for i in order[:args.worst]:
            j, r, s = judgments[i], ts_results[i], ts_scores[i]
            wanted = sorted(j["grades"].items(), key=lambda kv: -kv[1])
            print("\n  [%s] %r  nDCG@10 %.3f  MRR %.3f  R@10 %.3f%s" % (
                j["kind"], j["query"], s["ndcg"], s["mrr"], s["recall"],
                ("  corrected: %r" % r["corrected"]) if r["corrected"] else ""))
            print("    wanted:   " + ", ".join("%s (%d)" % kv for kv in wanted))
            for h in r["hits"][:5]:
                print("    got %2d:   %s (%d) %s" % (h.get("rank", 0), h["id"],
                                                    j["grades"].get(h["id"], 0),
                                                    h.get("talk", "")))
            if not r["hits"]:
                print("    got:      nothing")

    if args.json:
        out = {"k": K, "queries": len(judgments),
               "metrics": {"ndcg": "nDCG@10, gain 2^grade-1",
                           "mrr": "reciprocal rank of the first hit graded >= 1",
                           "recall": "recall@10 over talks graded >= 1"},
               "talksearch": ts,
               "fts5": fts,
               "fts5_note": None if fts is None else
               "one row per file; a file hit counts as that file's talk #0",
               "ratio": None if fts is None else {
                   "overall": ratio(ts["overall"], fts["overall"]),
                   "by_kind": {k: ratio(ts["by_kind"][k], fts["by_kind"][k]) for k in kinds}},
               "per_query": [
                   {"query": j["query"], "kind": j["kind"],
                    "talksearch": ts_scores[i] | {
                        "hits": [h["id"] for h in ts_results[i]["hits"]],
                        "corrected": ts_results[i]["corrected"]},
                    "fts5": None if fts is None else fts_scores[i] | {
                        "hits": [h["id"] for h in fts_results[i]["hits"]],
                        "expression": fts_results[i]["expression"]}}
                   for i, j in enumerate(judgments)],
               "errors": ts_errors}
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
