"""python -m eval run ... | python -m eval readme REPORT.json (see eval/README.md)."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from . import report as R
from .data import EVAL_DIR, GROUPS, SET_CHOICES
from .run import ROOT, RunOptions, evaluate


def _parser() -> argparse.ArgumentParser:
    from rag.answer import answerers
    from rag.config import MODES

    p = argparse.ArgumentParser(prog="python -m eval", description="Evaluate the RAG pipeline on the eval sets.")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the eval sets, write a JSON report and a Markdown summary")
    run.add_argument("--set", default="all", choices=SET_CHOICES,
                     help="all (default: every group), both (the five letters' dev and test), five (every group "
                     "of the five letters), new (the dev and test groups of ../shared/letters-extra), pub (the dev "
                     "group of eval/published), pub2 (the dev and test groups of eval/published2), pub3 (the dev "
                     f"group of eval/published3), one group ({', '.join(GROUPS)}) or one question file")
    run.add_argument("--mode", choices=MODES, help="retrieval mode (default: settings, i.e. hybrid)")
    run.add_argument("--generator", choices=answerers.names(), help="answerer (default: extractive)")
    run.add_argument("--k", type=int, help="passages per answer (default: settings.k); retrieval metrics use the top 10")
    run.add_argument("--out", type=Path, help="report file (default: eval/reports/<timestamp>.json)")
    run.add_argument("--compare", action="store_true",
                     help="also run the LangChain baseline, BM25 only, dense only and hybrid in one table")
    run.add_argument("--exclude-source", action="store_true",
                     help="also run the kamervragen against an index without letter kamervragen-2022")
    run.add_argument("--judge", action="store_true",
                     help="LLM-judged correctness vs the reference answer (needs RAG_LLM_BASE_URL/RAG_LLM_MODEL)")
    run.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    run.add_argument("--quiet", action="store_true", help="no progress output on stderr")
    readme = sub.add_parser("readme", help="regenerate README.md's results block from a report")
    readme.add_argument("report", type=Path)
    readme.add_argument("--readme", type=Path, default=ROOT / "README.md")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "readme":
        try:
            R.update_readme(args.readme, R.load(args.report), args.report.name)
        except (LookupError, OSError, ValueError, KeyError) as e:
            print(f"Fout: {e}", file=sys.stderr)
            return 2
        print(f"{args.readme}: results block regenerated from {args.report}", file=sys.stderr)
        return 0

    from rag.errors import RagError  # the pipeline's user-facing errors

    if args.k is not None and args.k < 1:
        print("Fout: --k must be a positive whole number.", file=sys.stderr)
        return 2
    opts = RunOptions(set=args.set, mode=args.mode, generator=args.generator, k=args.k, compare=args.compare,
                      exclude_source=args.exclude_source, judge=args.judge, quiet=args.quiet, seed=args.seed)
    try:
        rep = evaluate(opts)
    except RagError as e:
        print(f"Fout: {e}", file=sys.stderr)
        return 2
    out = args.out or EVAL_DIR / "reports" / f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rep, ensure_ascii=False, indent=1), encoding="utf-8")
    md = out.with_suffix(".md")
    md.write_text(R.markdown(rep), encoding="utf-8")
    print(R.console(rep))
    print(f"\nreport: {out}\nsummary: {md}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
