"""The walls of docs/ARCHITECTURE.md, read from the import graph: no circles among portal's
modules, the domain imports nothing else of portal, and shared rooms import no feature.

grimp counts every import, including those inside functions: an import deferred to call time
still ties the two modules together. Where today's code breaks a rule, the import is named
below with the reason, so that it is seen and can be removed, never added to silently.
"""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

import portal

FEATURES = (
    "debtor",
    "payments",
    "plans",
    "offers",
    "affordability",
    "cant_pay",
    "disputes",
    "preferences",
    "guidance",
    "links",
    "collector",
    "console",
    "api",
)
SHARED = (
    "accounts",
    "forms",
    "models",
    "timeline",
    "notify",
    "webhooks",
    "extensions",
    "i18n",
    "clock",
    "config",
)

#: Imports that close a circle today, as (importer, imported). Each is made at call time.
CIRCLE_EXCEPTIONS = {
    # The outbox hands each committed message to the task runner, whose send task calls the
    # outbox's sender; the task runner builds the app (portal/__init__), which imports every feature.
    ("portal.notify.outbox", "portal.tasks"): "the outbox hands committed messages to the task runner",
    # Finishing an attempt records the payment; recording a payment updates the attempt.
    ("portal.payments.attempts", "portal.payments.recording"): "attempt and payment record each other",
    # The set-based PostgreSQL path sends rows with a history back through the importer's
    # one-row path; the importer picks that path at call time. A debt: apply_row belongs in a
    # module of its own that both import.
    ("portal.collector.importer", "portal.collector.bulk_postgres"): "the import's two paths call each other",
    # The same hand-over for webhooks out: deliveries a transaction wrote go to the task runner.
    ("portal.webhooks.observer", "portal.tasks"): "webhook deliveries are handed to the task runner",
}

#: Imports from a shared room up into a feature, as (importer, imported), kept for now.
LAYER_EXCEPTIONS = {
    # Emails carry a fresh magic link; issuing links is the links room's job. links is listed as a
    # feature (it has pages) but its service is used from below.
    ("portal.notify.disputes", "portal.links.service"): "emails carry a magic link",
    ("portal.notify.plan_notices", "portal.links.service"): "emails carry a magic link",
    ("portal.notify.offer_emails", "portal.links.service"): "emails carry a magic link",
    ("portal.notify.promise_emails", "portal.links.service"): "emails carry a magic link",
}


@pytest.fixture(scope="module")
def graph():
    graph = grimp.build_graph("portal", cache_dir=None)
    # Build the graph of this checkout, not of another copy of portal on the path.
    assert Path(portal.__file__).parent.samefile(Path(__file__).parent.parent / "portal")
    return graph


def _direct(graph, importer: str, imported: str) -> bool:
    return graph.direct_import_exists(importer=importer, imported=imported)


def test_every_named_exception_is_still_an_import(graph):
    # An exception that no longer exists must be taken out, or it would hide the next one.
    gone = [pair for pair in (*CIRCLE_EXCEPTIONS, *LAYER_EXCEPTIONS) if not _direct(graph, *pair)]
    assert gone == []


def test_no_import_circles(graph):
    for importer, imported in CIRCLE_EXCEPTIONS:
        graph.remove_import(importer=importer, imported=imported)
    circles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                circles.append(" -> ".join((module, *back)))
    assert circles == [], "import circles:\n" + "\n".join(circles)


def test_the_domain_imports_nothing_else_from_portal(graph):
    outside = sorted(
        f"{module} -> {imported}"
        for module in graph.find_descendants("portal.domain") | {"portal.domain"}
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("portal") and not imported.startswith("portal.domain")
    )
    assert outside == []


@pytest.mark.parametrize("room", SHARED)
def test_shared_rooms_import_no_feature(graph, room):
    package = f"portal.{room}"
    modules = {package} | (graph.find_descendants(package) if graph.find_children(package) else set())
    upward = []
    for module in sorted(modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            feature = imported.split(".")[1] if imported.count(".") >= 1 else ""
            if feature in FEATURES:
                if (module, imported) not in LAYER_EXCEPTIONS:
                    upward.append(f"{module} -> {imported}")
    assert upward == []


def test_the_feature_list_names_real_packages(graph):
    # A feature renamed or moved would otherwise drop out of the layer check unnoticed.
    missing = [name for name in (*FEATURES, *SHARED) if f"portal.{name}" not in graph.modules]
    assert missing == []
