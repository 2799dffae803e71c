#!/usr/bin/env python3
"""Deterministic corpus scaler: N copies of a notes folder that are not copies.

    bench/scale.py --scale 100 --out /tmp/corpus-x100 [--source DIR] [--seed 1]

Copy k (0 .. N-1) is the source tree under `<out>/c<k>/`, with the structure
kept (folders with their index notes, one note per file, same file names) but
its text varied so that no engine is flattered by byte-identical notes,
duplicate results or a warm cache of one note read N times:

- events: every folder's index title gets a per-copy city ("Pycon 2011" ->
  "Pycon 2014 Lisbon"), and years shift;
- dates: every year 1990..2029 in the text and in file names moves by a
  per-copy offset, so "June 6, 2011" and "20110616-adly.rst" move together;
- speakers: the names on `by ...` / `Speaker: ...` lines are replaced by
  names drawn, per copy, from a pool mixing the corpus's speakers with made-up
  ones;
- sections: in a reST note, about half of the sections below its title are
  replaced by, or joined with, a section taken from another note of the
  corpus (recombination), so every copy of a note holds other text; other
  formats get a paragraph of another note at their end.

Copy 0 is the source unchanged (so judged queries still find their notes).
The same source, scale and seed always give the same bytes. Python 3
standard library only.
"""

import argparse
import os
import random
import re
import shutil
import sys

NOTE_EXTENSIONS = (".rst", ".txt", ".md", ".markdown", ".html", ".htm")
CITIES = ["Lisbon", "Austin", "Kyoto", "Nairobi", "Oslo", "Lima", "Perth", "Quebec",
          "Tallinn", "Porto", "Denver", "Seoul", "Recife", "Krakow", "Cebu", "Dublin",
          "Tucson", "Vilnius", "Accra", "Hobart", "Leeds", "Turin", "Bilbao", "Omaha"]
FIRST = ["Ada", "Bruno", "Chen", "Dalia", "Emeka", "Fatima", "Goran", "Hana", "Ines",
         "Jonas", "Kiri", "Lars", "Maya", "Nikhil", "Olga", "Pablo", "Quinn", "Rosa",
         "Sven", "Tariq", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe"]
LAST = ["Abara", "Bergstrom", "Castillo", "Dubois", "Eriksen", "Fontaine", "Gupta",
        "Haddad", "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura",
        "Okafor", "Petrov", "Quispe", "Rossi", "Sato", "Tanaka", "Ueda", "Varga",
        "Weber", "Xu", "Yilmaz", "Zielinski"]

YEAR = re.compile(r"(?<![0-9])(199[0-9]|20[0-2][0-9])(?![0-9])")
SPEAKER_LINE = re.compile(
    r"^(\s*(?:[-*+]\s+)?(?:by|By|BY|Presented by|presented by|Speaker:|Speakers:)\s+)(.+)$",
    re.M)
ADORNMENT = re.compile(r"^([=\-~^\"'`#*+:._])\1{2,}\s*$")


def note_files(root):
    """Every file below root (sorted, relative paths), folders ignored by name."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            out.append(os.path.relpath(os.path.join(dirpath, name), root))
    return out


def read_text(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        return data, False


def rst_sections(text):
    """Splits reST text into blocks, each starting at a section title.

    Returns a list of (start_line, lines); the first block is what comes
    before the second title (the note's own title and speaker lines)."""
    lines = text.split("\n")
    starts = [0]
    i = 1
    while i < len(lines):
        line, prev = lines[i], lines[i - 1]
        if (ADORNMENT.match(line) and prev.strip() and not ADORNMENT.match(prev)
                and len(line.rstrip()) >= len(prev.rstrip()) and i >= 1):
            start = i - 1
            # An overline belongs to the title too.
            if start >= 1 and ADORNMENT.match(lines[start - 1]):
                start -= 1
            if start > starts[-1]:
                starts.append(start)
        i += 1
    starts.append(len(lines))
    return [lines[starts[j]:starts[j + 1]] for j in range(len(starts) - 1)]


class Scaler:
    def __init__(self, source, seed):
        self.source = source
        self.seed = seed
        self.files = note_files(source)
        self.texts = {}
        for rel in self.files:
            self.texts[rel] = read_text(os.path.join(source, rel))
        # Donor sections: the body sections of every reST note.
        self.donors = []
        speakers = set()
        for rel in self.files:
            text, ok = self.texts[rel]
            if not ok:
                continue
            for m in SPEAKER_LINE.finditer(text):
                name = m.group(2).strip()
                if 3 <= len(name) <= 40:
                    speakers.add(name)
            if rel.endswith(".rst") and os.path.basename(rel) != "index.rst":
                blocks = rst_sections(text)
                self.donors.extend(b for b in blocks[2:] if 2 <= len(b) <= 200)
        self.speakers = sorted(speakers)

    def copy_params(self, k):
        rnd = random.Random(f"{self.seed}:copy:{k}")
        return {
            "year_shift": 0 if k == 0 else rnd.randint(-6, 9),
            "city": CITIES[rnd.randrange(len(CITIES))] + ("" if k < len(CITIES) else f" {k}"),
            "rnd": rnd,
        }

    def speaker_for(self, k, name):
        rnd = random.Random(f"{self.seed}:speaker:{k}:{name}")
        if self.speakers and rnd.random() < 0.4:
            return self.speakers[rnd.randrange(len(self.speakers))]
        first = FIRST[rnd.randrange(len(FIRST))]
        last = LAST[rnd.randrange(len(LAST))]
        if rnd.random() < 0.2:
            other = f"{FIRST[rnd.randrange(len(FIRST))]} {LAST[rnd.randrange(len(LAST))]}"
            return f"{first} {last} and {other}"
        return f"{first} {last}"

    def vary(self, k, rel, text, params):
        shift = params["year_shift"]
        if shift:
            text = YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
        text = SPEAKER_LINE.sub(lambda m: m.group(1) + self.speaker_for(k, m.group(2).strip()),
                                text)
        if not rel.endswith(".rst"):
            return self.vary_other(k, rel, text, params)
        if os.path.basename(rel) == "index.rst":
            text = self.add_city(text, params["city"])
        blocks = rst_sections(text)
        if os.path.basename(rel) == "index.rst" or not self.donors:
            return "\n".join(line for block in blocks for line in block)
        rnd = random.Random(f"{self.seed}:sections:{k}:{rel}")
        out = [blocks[0]]
        body = blocks[1:]
        for block in body:
            roll = rnd.random()
            donor = self.donors[rnd.randrange(len(self.donors))]
            if roll < 0.25:
                out.append(donor)  # replaced
            elif roll < 0.5:
                out.append(block)
                out.append(donor)  # joined
            else:
                out.append(block)
        if len(out) == len(blocks):  # nothing changed: a section joins at the end
            out.append([""] + self.donors[rnd.randrange(len(self.donors))])
        return "\n".join(line for block in out for line in block)

    @staticmethod
    def add_city(text, city):
        """The event: the note's first title gets the copy's city."""
        lines = text.split("\n")
        for i in range(len(lines) - 1):
            line = lines[i]
            if line.strip() and not ADORNMENT.match(line) and ADORNMENT.match(lines[i + 1]) \
                    and len(lines[i + 1].rstrip()) >= len(line.rstrip()):
                title = line.rstrip() + " " + city
                lines[i] = title
                lines[i + 1] = lines[i + 1][0] * len(title)
                if i >= 1 and ADORNMENT.match(lines[i - 1]):
                    lines[i - 1] = lines[i - 1][0] * len(title)
                break
        return "\n".join(lines)

    def vary_other(self, k, rel, text, params):
        """Markdown, HTML, text: a paragraph from another note joins the end."""
        rnd = random.Random(f"{self.seed}:other:{k}:{rel}")
        donor = self.donors[rnd.randrange(len(self.donors))] if self.donors else []
        words = " ".join(line.strip() for line in donor if line.strip()
                         and not ADORNMENT.match(line))
        words = f"Notes from {params['city']}: {words}"
        if rel.endswith((".html", ".htm")):
            escaped = words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            pos = text.lower().rfind("</body>")
            pos = len(text) if pos < 0 else pos
            return text[:pos] + f"<p>{escaped}</p>\n" + text[pos:]
        return text.rstrip("\n") + "\n\n" + words + "\n"

    def write_copy(self, k, target):
        params = self.copy_params(k)
        base = os.path.join(target, f"c{k:03d}")
        for rel in self.files:
            text, ok = self.texts[rel]
            name = rel
            if params["year_shift"]:
                name = YEAR.sub(lambda m: str(int(m.group(1)) + params["year_shift"]), rel)
            dest = os.path.join(base, name)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if k == 0 or not ok or not rel.endswith(NOTE_EXTENSIONS):
                data = text if not ok else text.encode("utf-8")
            else:
                data = self.vary(k, rel, text, params).encode("utf-8")
            with open(dest, "wb") as f:
                f.write(data)


def default_source():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    for candidate in (os.path.join(repo, "..", "shared", "corpus", "pydanny-event-notes"),
                      "/work/shared/corpus/pydanny-event-notes",
                      os.path.join(repo, "data")):
        if os.path.isdir(candidate):
            return os.path.normpath(candidate)
    sys.exit("scale.py: no source corpus found; pass --source DIR")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", help="the notes folder to scale (default: "
                    "../shared/corpus/pydanny-event-notes, else data/)")
    ap.add_argument("--scale", type=int, required=True, help="how many copies")
    ap.add_argument("--out", required=True, help="the folder to write (replaced)")
    ap.add_argument("--seed", default="1")
    args = ap.parse_args()
    source = args.source or default_source()
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    scaler = Scaler(source, args.seed)
    for k in range(args.scale):
        scaler.write_copy(k, args.out)
    with open(os.path.join(args.out, "index.rst"), "w", encoding="utf-8") as f:
        f.write("Scaled notes\n============\n\n.. toctree::\n\n")
        for k in range(args.scale):
            f.write(f"   c{k:03d}/index\n")
    n = len(scaler.files) * args.scale + 1
    print(f"scale.py: {n} files from {source} x{args.scale} into {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
