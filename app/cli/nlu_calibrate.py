"""`frontdoor nlu calibrate`: the 'not sure' threshold chosen by cross-validation."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

import click

from app.cli.common import settings_or_exit
from app.understanding.calibration import DEFAULT_MIN_ACCURACY, calibrate, write_threshold
from app.understanding.evaluation import DEFAULT_FOLDS, DEFAULT_SEED
from app.understanding.training_data import load_examples, load_fallback_threshold


@click.command("calibrate")
@click.option("--folds", type=click.IntRange(2, 20), default=DEFAULT_FOLDS, show_default=True)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
@click.option(
    "--min-accuracy",
    type=click.FloatRange(0.5, 0.99),
    default=DEFAULT_MIN_ACCURACY,
    show_default=True,
    help="The share of bot answers that must be right.",
)
@click.option("--write", is_flag=True, help="Write the threshold into bots/config.yml.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def calibrate_command(
    folds: int, seed: int, min_accuracy: float, write: bool, as_json: bool
) -> None:
    """Pick the FallbackClassifier threshold by stratified k-fold on bots/data/nlu.yml: the
    lowest whose answers are at least --min-accuracy right (never on the held-out sets)."""
    settings = settings_or_exit()
    current = load_fallback_threshold(settings.bots_dir)
    result = calibrate(load_examples(settings.bots_dir), folds, seed, min_accuracy)
    if write:
        write_threshold(settings.bots_dir / "config.yml", result, date.today())
    if as_json:
        data = asdict(result) | {"low": result.low, "high": result.high, "current": current}
        click.echo(json.dumps(data | {"written": write}))
        return
    point = result.chosen
    click.echo(
        f"calibrated on {result.examples} examples, {result.folds}-fold, answers >= "
        f"{min_accuracy:.0%} right\n"
        f"  threshold {point.threshold:.2f} (folds chose {result.low:.2f}-{result.high:.2f}; "
        f"bots/config.yml has {current:.2f})\n"
        f"  answered {point.answered:.1%}, right among answered {point.accuracy_answered:.1%}\n"
        f"  wrong and answered {point.wrong_answered:.1%}, right but unsure "
        f"{point.unsure_but_right:.1%}\n" + ("  written to bots/config.yml" if write else "")
    )
