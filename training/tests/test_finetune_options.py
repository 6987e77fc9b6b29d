"""The fine-tune's options: each kind of run gets its own defaults, and an option given wins over them."""

from dnw.package.finetune_options import build_parser, complete

BASE = ["--base", "b", "--train", "t.jsonl", "--out", "o"]


def options(*extra: str):
    args = build_parser("usage").parse_args([*BASE, *extra])
    complete(args)
    return args


def test_a_projects_model_trains_without_dropout_unless_told():
    assert options("--labels", "l.json").dropout == 0.0
    assert options("--labels", "l.json", "--dropout", "0.1").dropout == 0.1


def test_a_fine_tune_keeps_the_bases_dropout():
    assert options().dropout is None  # None: set_regularisation leaves the base's
    assert options("--from-scratch").dropout is None


def test_the_project_schedule_is_filled_in():
    args = options("--labels", "l.json")
    assert (args.epochs, args.lr, args.ema, args.members, args.max_minutes) == (30.0, 1e-3, 0.999, 3, 15.0)
    assert options().epochs == 3.0
