"""A library that changes model keeps its passages, cut for the old model: where the new model takes fewer tokens
in one pass, the whole passage is still embedded (in windows), so meaning search sees its last third too."""

from __future__ import annotations

from pathlib import Path

from desktop_search.core.indexer import Indexer
from desktop_search.core.search import Searcher, SearchOptions
from desktop_search.embed.base import Embedder
from desktop_search.embed.catalog import DEFAULT_MODEL
from desktop_search.embed.fake import HashEmbedder
from desktop_search.services import Services
from tests.conftest import write_documents

HEAD = (
    "Sourdough bread begins with a starter, a living culture of wild yeast and lactic acid bacteria kept in a jar of "
    "flour and water. Each morning the baker discards half of the starter and feeds the rest with equal weights of "
    "fresh rye flour and lukewarm water, so that the culture stays lively and slightly sour. When the starter doubles "
    "within four to six hours it is ready to leaven a dough. The baker mixes strong white flour with water and lets "
    "it rest for an hour, a step called autolyse, which lets the flour absorb the water and the gluten begin to "
    "develop without kneading. Then the starter and the salt are added, and the dough is folded every half hour "
    "during the bulk fermentation, which takes four hours or more at room temperature. A well fermented dough is "
    "airy, domed and jiggles when the bowl is shaken. It is then divided, pre-shaped into rounds, rested, and shaped "
    "tightly into baskets dusted with rice flour. In the morning the oven is heated to its highest setting with a "
    "cast iron pot inside. Each loaf is turned out onto parchment, scored with a razor blade so it can expand, and "
    "baked covered for twenty minutes to trap the steam, then uncovered until the crust is deep brown. "
)
# The passage's only mention of the van: its last third (MiniLM tokens 261 to 389 of 389).
TAIL = (
    "That winter the bakery's delivery van broke down on the coastal road below the old lighthouse, and the driver, "
    "Marta, waited three hours in the snow for a tow truck from the harbour garage while the bread went cold. The "
    "mechanic found a cracked radiator hose and a frozen fuel line, and the van stayed in the garage for a week, so "
    "the bakery hired a bicycle courier to reach its customers in the village. After that breakdown the owners sold "
    "the old van to a scrap dealer and bought a small electric van with a heated cargo box, and Marta now plans her "
    "route so that she is never far from a charging point."
)
DISTRACTORS = {
    "market.txt": "Sourdough loaves are delivered by van every Saturday morning to the farmers market, where the "
    "baker sells rye, spelt and white country loaves. The starter is fed twice a day and the dough ferments "
    "overnight in the cold.",
    "starter.txt": "A sourdough starter needs regular feeding with flour and water; if it smells of acetone it is "
    "hungry. Bakers keep a small jar in the refrigerator between bakes and refresh it a day before mixing the dough.",
    "lighthouse.txt": "The old lighthouse on the headland was built in 1871 and automated in 1984. Visitors can "
    "climb its spiral stairs in summer and see the harbour and the fishing boats from the lantern room.",
    "boule.txt": "Shaping a boule: pre-shape the dough into a loose round, rest it twenty minutes, then pull the "
    "surface tight and place it seam side up in a floured banneton for the final proof.",
}
QUERY = "the delivery van broke down near the lighthouse and waited for a tow truck"


def test_a_passage_longer_than_the_new_model_takes_is_found_by_its_last_third(
    services: Services, tmp_path: Path, minilm: Embedder
) -> None:
    """Passages cut 400 tokens long by the library's first model; after the switch to MiniLM (254 tokens a pass)
    a query about the fact in the passage's last third finds it first. Before windows, MiniLM saw only the first
    254 tokens and the passage ranked last of the five."""
    assert minilm.tokenizer.count([HEAD + TAIL])[0] > 1.5 * minilm.window_tokens  # the tail lies past one pass
    assert minilm.tokenizer.count([HEAD])[0] > minilm.window_tokens
    long_model = HashEmbedder(chunk_tokens=400, model_id="cadet-embed-base-v1")  # its chunks hold the passage
    models = {"cadet-embed-base-v1": long_model, DEFAULT_MODEL: minilm}
    indexer = Indexer(services.store, models.__getitem__)
    searcher = Searcher(services.store, models.__getitem__)
    folder = write_documents(tmp_path / "docs", {"bakery.txt": HEAD + TAIL, **DISTRACTORS})
    services.libraries.add_folders([str(folder)], model_id="cadet-embed-base-v1")
    list(indexer.run(services.libraries.get("default")))

    services.libraries.set_model("default", DEFAULT_MODEL)
    library = services.libraries.get("default")
    list(indexer.run(library))
    space = services.store.active_space(library.id)
    assert space is not None
    assert space.model_id == DEFAULT_MODEL
    hits = searcher.search(QUERY, [library], SearchOptions(mode="dense", limit=10))
    assert [Path(h.path).name for h in hits][:1] == ["bakery.txt"], [(Path(h.path).name, h.score) for h in hits]
    assert (hits[0].start, hits[0].end) == (0, len(HEAD + TAIL))  # one passage, the whole text, as first cut
