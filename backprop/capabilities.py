"""What each engine computes of the 2-2-2 update, declared once: its orders, bias policies, losses and layout.

Every engine computes worked_example.step's update for the combinations listed here, and refuses the
others (tests/test_engines.py holds each to the reference over every combination, and checks the
refusals). docs/library.md shows this table (markdown_table()).

Names as worked_example.py defines them. The losses are its 2-2-2 losses, E = (c/2) Σ_o (t_o − out_o)²:
the layered engine's "half-sse" sums ½ Σ_o (t_o − out_o)² over the rows of a batch, the same thing on
the post's one row; its "half-mse" (averaged over the rows) is none of the 2-2-2 losses by name (on one
row it is half-sse), and the 2-2-2 "sse" and "mse" (a mean over the outputs) are not offered there.
The layouts are those of layouts.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from backprop.worked_example import ALL_ORDERS, BIAS_POLICIES, LOSSES, ORDERS


@dataclass(frozen=True)
class Engine:
    name: str
    entry: str  # the function or class that runs it
    orders: tuple
    biases: tuple
    losses: tuple
    layout: str  # layouts.LAYOUTS
    note: str = ""

    def supports(self, order: str, biases: str, loss: str) -> bool:
        return order in self.orders and biases in self.biases and loss in self.losses


EVERY_LOSS = tuple(LOSSES)  # half-sse, sse, mse

ENGINES = (
    Engine("reference", "worked_example.step", ALL_ORDERS, BIAS_POLICIES, EVERY_LOSS, "matrices",
           "the post's formulas, one line each"),
    Engine("scalar", "training.train", ALL_ORDERS, BIAS_POLICIES, EVERY_LOSS, "columns",
           "scalar.run in Python floats; a saturating or overflowing update goes to engine.FastNetwork"),
    Engine("numpy", "engine.FastNetwork", ALL_ORDERS, BIAS_POLICIES, EVERY_LOSS, "columns",
           "NumPy in place, with the floating-point checks"),
    Engine("batched", "batched.train_many", ALL_ORDERS, BIAS_POLICIES, EVERY_LOSS, "batched",
           "many networks in lockstep, each its own settings"),
    Engine("layered", "layered.train", ALL_ORDERS, ("fixed", "per-neuron"), ("half-sse",), "fan-in",
           "any depth and batch; train_biases=False or True; no shared bias"),
    Engine("written_out", "written_out.values", ORDERS, BIAS_POLICIES, EVERY_LOSS, "w1..w8",
           "every value named and printed, the post's 2-2-2"),
    Engine("general", "written_out.values (general.py)", ORDERS, BIAS_POLICIES, EVERY_LOSS, "w1..w8",
           "any shape written out; also bce, ce and no biases"),
    Engine("general_training", "general_training.train", ORDERS, BIAS_POLICIES, EVERY_LOSS, "w1..w8",
           "any shape trained, the update compiled from Python floats; also bce, ce and no biases"),
)

BY_NAME = {engine.name: engine for engine in ENGINES}
REFERENCE = BY_NAME["reference"]


def combinations() -> list[tuple[str, str, str]]:
    """Every (order, bias policy, loss) of the reference."""
    return [(o, b, loss) for o in REFERENCE.orders for b in REFERENCE.biases for loss in REFERENCE.losses]


def markdown_table() -> str:
    """The table as markdown, one row per engine."""
    rows = ["| engine | entry point | orders | bias policies | losses | weight layout |",
            "|---|---|---|---|---|---|"]  # fmt: skip
    for e in ENGINES:
        rows.append(f"| {e.name} | `{e.entry}` | {', '.join(e.orders)} | {', '.join(e.biases)} | "
                    f"{', '.join(e.losses)} | {e.layout} |")  # fmt: skip
    return "\n".join(rows)
