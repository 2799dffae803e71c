#!/usr/bin/env python3
"""A steady stream of edits to a notes folder, for scripts/soak.

    scripts/soak_edits.py NOTES_DIR [--rate 4] [--seed 1]

Until SIGTERM, RATE times a second: edit a note (append a bullet, in place
or by an atomic rename over it), add a note (sometimes in a new folder),
delete a note or rename one. Prints the counts on exit. Seeded, so a run
makes the same choices (their timing varies). Python 3 standard library only.
"""

import argparse
import os
import random
import signal
import sys
import time

NOTE_EXTENSIONS = (".rst", ".txt", ".md", ".markdown", ".html", ".htm")
WORDS = ["gevent", "metaclass", "celery", "django", "asyncio", "pytest", "numpy", "flask",
         "postgres", "deployment", "decorators", "generators", "packaging", "sphinx"]


def notes_in(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "_"))]
        for name in filenames:
            if name.endswith(NOTE_EXTENSIONS) and not name.startswith(("index.", ".")):
                out.append(os.path.join(dirpath, name))
    return out


def talk(title, word):
    line = "=" * len(title)
    return f"{line}\n{title}\n{line}\n\nby Soak Tester\n\n* We talked about {word} today.\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("notes")
    ap.add_argument("--rate", type=float, default=4.0, help="edits a second")
    ap.add_argument("--seed", default="1")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    files = sorted(notes_in(args.notes))
    folders = sorted({os.path.dirname(f) for f in files})
    counts = {"edit": 0, "add": 0, "delete": 0, "rename": 0}
    stop = False

    def on_term(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    n = 0
    next_at = time.monotonic()
    while not stop:
        n += 1
        roll = rng.random()
        word = rng.choice(WORDS) + str(n)
        try:
            if roll < 0.5 and files:
                path = rng.choice(files)
                text = f"\n* soak edit {n} about {word}\n"
                if n % 2:
                    with open(path, "a", encoding="utf-8") as f:
                        f.write(text)
                else:
                    with open(path, "rb") as f:
                        old = f.read()
                    tmp = path + ".soak-tmp"
                    with open(tmp, "wb") as f:
                        f.write(old + text.encode("utf-8"))
                    os.replace(tmp, path)
                counts["edit"] += 1
            elif roll < 0.7 or not files:
                folder = rng.choice(folders)
                if n % 10 == 0:
                    folder = os.path.join(folder, f"soak-folder-{n}")
                    os.makedirs(folder, exist_ok=True)
                    folders.append(folder)
                path = os.path.join(folder, f"soak-{n}.rst")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(talk(f"Soak talk {n}", word))
                files.append(path)
                counts["add"] += 1
            elif roll < 0.85:
                path = files.pop(rng.randrange(len(files)))
                os.remove(path)
                counts["delete"] += 1
            else:
                i = rng.randrange(len(files))
                path = files[i]
                stem, ext = os.path.splitext(path)
                new = f"{stem}-r{n}{ext}"
                os.rename(path, new)
                files[i] = new
                counts["rename"] += 1
        except OSError as e:
            print(f"soak_edits: {e}", file=sys.stderr)
        next_at += 1.0 / args.rate
        time.sleep(max(0.0, next_at - time.monotonic()))
    print("EDITS " + " ".join(f"{k}={v}" for k, v in counts.items()), flush=True)


if __name__ == "__main__":
    main()
