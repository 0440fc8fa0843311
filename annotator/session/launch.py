"""Opening an annotation or a review session: load, check, and say clearly what is wrong.

Everything here runs before a UI takes the terminal, so a user error is a plain message on stderr
(a `UserError`), never a traceback. What opens is an `Opened`: the corpus, the session over it, the
locked log of the one who labels, and the notices the UI shows first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NotRequired, TypedDict, Unpack

from annotator.corpus.document import Corpus, Unit
from annotator.corpus.load import OnSegmenting, load_documents
from annotator.corpus.table import DEFAULT_COLUMNS, Columns
from annotator.errors import NothingToDo, UserError
from annotator.labels.anchors import StaleLabel
from annotator.labels.gold import DEFAULT_MIN_AGREEMENT, check_min_agreement
from annotator.labels.versions import current_labels, migrated
from annotator.project.config import CONFIG_FILE, Team
from annotator.schema.load import SchemaError, load_schema
from annotator.schema.model import Schema
from annotator.session.annotate import Session
from annotator.session.review import Review, ReviewSession, load_review
from annotator.store.folder import annotator_file, check_name_case
from annotator.store.log import AnnotationLog, StoreDamaged
from annotator.store.read import StoreView, load_store, require_store
from annotator.store.records import InvalidAnnotatorName, LabelKey, Record, UnitKey, check_annotator_name, describe_label
from annotator.store.roles import check_annotator, check_reviewer
from annotator.suggest.lexicon import Lexicon, load_lexicon
from annotator.suggest.model import UnitSuggestions
from annotator.suggest.rules import RuleSuggester
from annotator.text import plural

if TYPE_CHECKING:
    from annotator.suggest.collect import Suggested


class AnnotationOptions(TypedDict):
    """What `open_annotation` opens: whose session, over which documents (`columns` of tables),
    schema and store. `on_segmenting` is told how many documents are split into sentences before
    they are (`annotator.corpus.load.load_corpus`)."""

    paths: Sequence[str | Path]
    annotator: str
    schema_path: Path
    store_dir: Path
    columns: NotRequired[Columns]
    on_segmenting: NotRequired[OnSegmenting | None]
    suggestions: NotRequired[bool]  # show rule suggestions (default: yes)
    lexicon: NotRequired[Path | None]  # the project's cue lexicon, added to the package's
    suggest_command: NotRequired[str | None]  # a model command whose suggestions replace the rules' once it answers
    team: NotRequired[Team | None]  # the annotator's queue is what it assigns them; every unit without it


class ReviewOptions(TypedDict):
    """What `open_review` opens: `reviewer`'s review of every unit, or only the disputed ones, with
    gold labels by `min_agreement`; the rest as for `AnnotationOptions`."""

    paths: Sequence[str | Path]
    reviewer: str
    schema_path: Path
    store_dir: Path
    columns: NotRequired[Columns]
    everything: NotRequired[bool]
    min_agreement: NotRequired[float]
    on_segmenting: NotRequired[OnSegmenting | None]


class NothingToReview(NothingToDo):
    """The store holds nothing for the reviewer to decide: a message, not a failure."""


@dataclass(frozen=True)
class Opened:
    """An open session, ready for a UI: its log is locked until the UI closes it."""

    corpus: Corpus
    session: Session
    log: AnnotationLog
    store_dir: Path
    notices: tuple[str, ...]
    more_suggestions: Callable[[], Suggested] | None = None
    """The suggestions of a model command for every unit (slow: for a worker), if one is set."""


def open_annotation(**options: Unpack[AnnotationOptions]) -> Opened:
    """The annotator's session over the corpus, on their opened (locked) log; UserError for anything
    the user must fix."""
    annotator = _name(options["annotator"])
    schema = read_schema(options["schema_path"])
    lexicon_file = options.get("lexicon")
    lexicon = load_lexicon([lexicon_file] if lexicon_file else []) if options.get("suggestions", True) else None
    paths, store_dir = options["paths"], options["store_dir"]
    corpus = load_documents(
        paths, empty="nothing to annotate", on_segmenting=options.get("on_segmenting"), columns=options.get("columns", DEFAULT_COLUMNS)
    )
    queued, said = queue(corpus, options.get("team"), annotator)
    file = annotator_file(store_dir, annotator)
    new_file = not file.exists()
    log = open_log(store_dir, annotator)
    try:
        check_annotator(annotator, log.records())
    except BaseException:
        log.close()
        raise
    notices = [f"new annotation file {file}: nothing labelled yet"] if new_file else []
    notices += [f"skipped {problem}" for problem in corpus.problems]
    session, stale = annotation_session(corpus, schema, log.latest(), annotator, queued)
    session.suggester = rule_suggester(schema, lexicon) if lexicon else None
    notices += said + stale + log_notices(log)
    command = options.get("suggest_command")
    more = model_suggestions(corpus, schema, options["schema_path"], lexicon, command) if lexicon and command else None
    return Opened(corpus, session, log, store_dir, tuple(notices), more)


def rule_suggester(schema: Schema, lexicon: Lexicon) -> Callable[[Unit], UnitSuggestions]:
    """The rule suggestions of a unit, from `lexicon` (the package's cues and the project's)."""
    rules = RuleSuggester(lexicon, schema)
    return lambda unit: rules.suggest(unit, unit.doc)


def model_suggestions(corpus: Corpus, schema: Schema, schema_path: Path, lexicon: Lexicon, command: str) -> Callable[[], Suggested]:
    """What asks the model `command` about every unit (its cache first), the rules filling in what it
    does not answer: `annotator suggest --command` for the UI."""
    from annotator.suggest.collect import Command, suggest  # launch time: imported only when a command is set

    asked = Command(command, env={"ANNOTATOR_SCHEMA": str(Path(schema_path).absolute())})
    return lambda: suggest(corpus.units(), schema, lexicon, command=asked)


def open_review(**options: Unpack[ReviewOptions]) -> Opened:
    """The review of the store by the reviewer, on their opened (locked) log; UserError for anything
    to fix first, NothingToReview when there is nothing to decide."""
    everything, min_agreement = options.get("everything", False), options.get("min_agreement", DEFAULT_MIN_AGREEMENT)
    check_min_agreement(min_agreement)
    schema = read_schema(options["schema_path"])
    paths, store_dir = options["paths"], options["store_dir"]
    require_store(store_dir)
    store = load_store(store_dir)
    reviewer = _reviewer(options["reviewer"], store)
    corpus = load_documents(paths, on_segmenting=options.get("on_segmenting"), columns=options.get("columns", DEFAULT_COLUMNS))
    log = open_log(store_dir, reviewer)
    try:
        review = load_review(schema, corpus, _latest(store, log), reviewer, min_agreement)
        _check_something_to_review(review, everything, store_dir)
    except BaseException:
        log.close()
        raise
    notices = _review_notices(corpus, store, review) + log_notices(log)
    return Opened(corpus, ReviewSession(review, everything=everything), log, store_dir, tuple(notices))


def read_schema(path: Path) -> Schema:
    try:
        return load_schema(path)
    except SchemaError as error:
        raise UserError([f"cannot use schema {path}:", *error.lines]) from None


def open_log(store_dir: Path, annotator: str) -> AnnotationLog:
    check_name_case(store_dir, annotator)
    try:
        return AnnotationLog.open(store_dir, annotator)
    except StoreDamaged as error:
        raise UserError(["the annotation store is damaged; fix these lines first:", *map(str, error.problems)]) from None


def queue(corpus: Corpus, team: Team | None, annotator: str) -> tuple[list[Unit] | None, list[str]]:
    """The units `annotator` labels: those `team` assigns them, in corpus order (None: every unit,
    without a team or for a name not on its roster), and what to say about it."""
    if team is None:
        return None, []
    if annotator not in team.annotators:
        return None, [f"{annotator} is not on the team's roster ({CONFIG_FILE}): showing every sentence"]
    from annotator.assignment.rendezvous import assign  # numpy: imported only when a team assigns the units

    units = corpus.units()
    mine = [units[index] for index in assign(team, corpus.unit_keys()).units_of(annotator).tolist()]
    if not mine:
        raise NothingToDo(f"no sentence of this corpus is assigned to {annotator} (--all shows every sentence)")
    return mine, []


def annotation_session(
    corpus: Corpus, schema: Schema, records: dict[UnitKey, Record], annotator: str, queued: list[Unit] | None = None
) -> tuple[Session, list[str]]:
    """The session over the annotator's `queued` units (every unit of the corpus when None) with
    their current records (by unit key) placed on the corpus, and notices about labels that could not
    be placed (stale)."""
    placed = place_heads(corpus, schema, records, annotator)
    notices = [f"{describe_label(label.record)} is stale: {label.reason}" for label in placed.stale]
    if placed.moved:
        notices.append(f"{len(placed.moved)} labels moved with their sentence to new offsets (marked ~)")
    notices += migration_notices(schema, placed.heads.values())
    units = corpus.units() if queued is None else queued
    return Session(schema, units, heads=placed.heads, moved=placed.moved, is_queue=queued is not None), notices


@dataclass(frozen=True)
class PlacedHeads:
    """One annotator's current records placed on the corpus, as a session holds them."""

    heads: dict[UnitKey, Record]  # unit key -> the record, read as the current schema version
    moved: set[UnitKey]  # units whose record was re-anchored to new offsets
    stale: list[StaleLabel]  # records that could not be placed


def place_heads(corpus: Corpus, schema: Schema, records: dict[UnitKey, Record], annotator: str) -> PlacedHeads:
    """`records` (the heads of the annotator's log, by their own unit keys) placed on the corpus."""
    anchoring = current_labels(schema, {(annotator, *key): record for key, record in records.items()}, corpus)
    heads = {label.unit.key: label.record for label in anchoring.current.values()}
    return PlacedHeads(heads, {label.unit.key for label in anchoring.moved}, anchoring.stale)


def migration_notices(schema: Schema, heads: Iterable[Record]) -> list[str]:
    """What a session says first about labels written with an earlier version of the schema."""
    found = migrated(heads)
    if not found.total:
        return []
    look = sum(found.look.values())
    decide = f"; {plural(look, 'label')} with a field to decide (marked ?)" if look else ""
    return [f"{plural(found.total, 'label')} written with an earlier version of {schema.name}, read as v{schema.version}{decide}"]


def log_notices(log: AnnotationLog) -> list[str]:
    notices = [f"recovered after a crash: {log.recovered}"] if log.recovered else []
    if log.forks:
        notices.append(
            f"{plural(log.forks, 'label')} of {log.path} had two histories (labelled in two clones and merged?): each shows the later"
        )
    if log.broken:
        more = " and more" if len(log.broken) > 1 else ""
        notices.append(
            f"a revision history is broken at {plural(len(log.broken), 'line')} of {log.path}: {log.broken[0]}{more} (annotator validate lists them)"
        )
    return notices


def _name(annotator: str) -> str:
    try:
        return check_annotator_name(annotator)
    except InvalidAnnotatorName as error:
        raise UserError(f"{error} (choose one with --as NAME)") from None


def _reviewer(name: str, store: StoreView) -> str:
    return check_reviewer(_name(name), store)


def _latest(store: StoreView, log: AnnotationLog) -> dict[LabelKey, Record]:
    """Every current label: the reviewer's as the locked log has them, the others' as read."""
    others = {key: record for key, record in store.latest.items() if key[0] != log.annotator}
    return others | {(log.annotator, *key): record for key, record in log.latest().items()}


def _check_something_to_review(review: Review, everything: bool, store_dir: Path) -> None:
    if not review.units:
        raise NothingToReview(f"nothing to review: no done labels in {store_dir} fit this corpus and schema")
    if not everything and not review.disputed:
        raise NothingToReview(f"nothing to review: the annotators agree on all {len(review.units)} labelled units (--all shows them)")


def _review_notices(corpus: Corpus, store: StoreView, review: Review) -> list[str]:
    notices = [f"skipped {problem}" for problem in corpus.problems]
    problems = store.problem_summary()
    if problems:
        notices.append(f"{problems} (annotator validate lists them)")
    if review.left_out:
        notices.append(f"{len(review.left_out)} labels count for nothing: stale or not fitting the schema (annotator validate lists them)")
    if review.moved:
        notices.append(f"{len(review.moved)} of your decisions moved with their sentence to new offsets (marked ~)")
    return notices
