"""`frontdoor nlu train` and `frontdoor nlu evaluate`."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

import click

from app.cli.common import settings_or_exit
from app.cli.nlu_calibrate import calibrate_command
from app.cli.nlu_heldout import run_heldout
from app.understanding.embedded import load_or_train
from app.understanding.evaluation import (
    DEFAULT_FOLDS,
    DEFAULT_SEED,
    EmbeddedTrainer,
    FoldTrainer,
    Report,
    evaluate,
    write_confusion_png,
)
from app.understanding.safety_model import load_or_train as load_or_train_safety
from app.understanding.training_data import load_examples, load_fallback_threshold


@click.group()
def nlu() -> None:
    """The intent classifiers."""


@nlu.command("train")
def train_command() -> None:
    """Train the embedded classifier (bots/data/nlu.yml) and the safety model
    (bots/data/safety.yml), each cached by a hash of its data."""
    settings = settings_or_exit()
    examples = load_examples(settings.bots_dir)
    started = time.perf_counter()
    model = load_or_train(
        examples, load_fallback_threshold(settings.bots_dir), settings.nlu_cache_dir
    )
    click.echo(
        f"embedded model {model.data_hash}: {len(model.classes)} intents, {len(examples)} "
        f"examples, ready in {time.perf_counter() - started:.2f}s ({settings.nlu_cache_dir})"
    )
    started = time.perf_counter()
    safety = load_or_train_safety(settings.bots_dir, settings.nlu_cache_dir)
    click.echo(
        f"safety model {safety.key}: thresholds person {safety.thresholds.person:.3f}, "
        f"risk to life {safety.thresholds.life:.3f}, ready in "
        f"{time.perf_counter() - started:.2f}s"
    )


@nlu.command("evaluate")
@click.option("--backend", type=click.Choice(["embedded", "rasa"]), default="embedded")
@click.option("--folds", type=click.IntRange(2, 20), default=DEFAULT_FOLDS, show_default=True)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--png",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the confusion matrix [instance/nlu-confusion-BACKEND.png].",
)
@click.option(
    "--heldout",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True,
    help="Score the whole router on labelled JSONL messages instead (repeatable).",
)
@click.option(
    "--at",
    type=click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
    help="With --heldout: the local time to route at [a working Tuesday, 10:00].",
)
def evaluate_command(
    backend: str,
    folds: int,
    seed: int,
    as_json: bool,
    png: Path | None,
    heldout: tuple[Path, ...],
    at: datetime | None,
) -> None:
    """Stratified k-fold cross-validation: accuracy, macro-F1, per-intent scores, latency.

    With --heldout, the whole router (NLU, safety cues, rules) is scored on labelled messages:
    intent, outcome, safety recall with misses by id, interpreter recall, false alarms.
    """
    if heldout:
        run_heldout(heldout, at, as_json)
        return
    settings = settings_or_exit()
    trainer: FoldTrainer
    if backend == "rasa":
        from app.understanding.rasa_training import RasaTrainer, RasaUnavailableError

        if settings.rasa_url is None:
            raise click.ClickException("configuration: RASA_URL: needed for --backend rasa")
        try:
            trainer = RasaTrainer(str(settings.rasa_url), settings.bots_dir)
        except RasaUnavailableError as exc:
            raise click.ClickException(str(exc)) from None
    else:
        trainer = EmbeddedTrainer()
    try:
        report = evaluate(trainer, load_examples(settings.bots_dir), folds, seed)
    finally:
        close = getattr(trainer, "close", None)
        if close is not None:
            close()
    target = png or settings.nlu_cache_dir.parent / f"nlu-confusion-{backend}.png"
    write_confusion_png(report, target)
    if as_json:
        click.echo(json.dumps(report.as_json() | {"confusion_png": str(target)}))
    else:
        _print_table(report, target)


def _print_table(report: Report, png: Path) -> None:
    click.echo(
        f"{report.backend}: {report.folds}-fold, {report.examples} examples\n"
        f"  accuracy {report.accuracy:.4f}  macro-F1 {report.macro_f1:.4f}\n"
        f"  latency p50 {report.latency_p50_ms:.3f} ms  p99 {report.latency_p99_ms:.3f} ms\n"
        f"  training {report.training_seconds:.2f} s per fold  peak RSS {report.peak_rss_mb} MB\n"
        f"  confusion matrix: {png}\n"
    )
    click.echo(f"  {'intent':<24}{'precision':>10}{'recall':>8}{'f1':>8}")
    for intent, scores in sorted(report.per_intent.items(), key=lambda item: item[1]["f1"]):
        click.echo(
            f"  {intent:<24}{scores['precision']:>10.3f}{scores['recall']:>8.3f}"
            f"{scores['f1']:>8.3f}"
        )
    click.echo("  worst confusions:")
    for row in report.worst_confusions:
        click.echo(f"    {row['count']:>3} x {row['intent']} -> {row['predicted']}")


nlu.add_command(calibrate_command)
