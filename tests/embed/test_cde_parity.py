"""The native CDE model reproduces the reference implementation's tensors on the tiny fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from desktop_search.embed.cde_model import CDEModel, CDEOptions, load_cde_model

FIXTURES = Path(__file__).parent.parent / "fixtures" / "cde"
VARIANTS = {
    "v1": CDEOptions(residual=False, ignore_instruction=False),
    "v2": CDEOptions(residual=True, ignore_instruction=True),
    "v2-noresidual": CDEOptions(residual=False, ignore_instruction=False),
}


# Final backbone states of v2 are the one place where this CPU's fp32 kernels land up to 1.2e-5 from the
# reference on one element of 2048; an fp64 run of the same model is 0.9e-5 from ours and 1.2e-5 from the
# fixture, so it is rounding, not a bug (every semantic bug measures >= 1.6e-2). Everything else is held to 1e-5.
HIDDEN_ATOL = 2e-5


def close(actual: torch.Tensor, expected: torch.Tensor, atol: float = 1e-5) -> None:
    torch.testing.assert_close(actual, expected, atol=atol, rtol=0)


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def case(request: pytest.FixtureRequest) -> tuple[str, CDEModel, dict[str, torch.Tensor]]:
    name = request.param
    model, _ = load_cde_model(FIXTURES / name, VARIANTS[name])
    return name, model, load_file(str(FIXTURES / name / "cases.safetensors"))


def test_stage_one(case: tuple[str, CDEModel, dict[str, torch.Tensor]]) -> None:
    _, model, t = case
    with torch.inference_mode():
        close(model.first_stage(t["stage1.input_ids"], t["stage1.attention_mask"]), t["stage1.expected"])


def test_stage_two_and_its_parts(case: tuple[str, CDEModel, dict[str, torch.Tensor]]) -> None:
    _, model, t = case
    mask = t["stage2.attention_mask"]
    with torch.inference_mode():
        close(model.soft_prompt(), t["stage2.soft_prompt"])
        out = model.second_stage(t["stage2.input_ids"], mask, t["stage2.dataset_embeddings"])
    assert torch.equal(out.pool_mask, t["stage2.pool_mask"])
    real = mask.bool()
    close(out.text_hidden[real], t["stage2.text_hidden_states"][real], HIDDEN_ATOL)
    close(out.pooled, t["stage2.pooled"])
    close(out.output, t["stage2.expected"])


def test_context_order_matters(case: tuple[str, CDEModel, dict[str, torch.Tensor]]) -> None:
    _, model, t = case
    permuted = t["stage1.expected"][:4][t["ctx_permuted.order"]]
    close(permuted, t["ctx_permuted.dataset_embeddings"])
    with torch.inference_mode():
        out = model.second_stage(t["stage2.input_ids"], t["stage2.attention_mask"], permuted)
    close(out.output, t["ctx_permuted.expected"])
    assert (out.output - t["stage2.expected"]).abs().max() > 1e-3


def test_fewer_context_vectors_than_corpus_size(case: tuple[str, CDEModel, dict[str, torch.Tensor]]) -> None:
    name, model, t = case
    if "ctx_fewer.expected" not in t:
        assert name != "v2"  # the reference raised for this variant: no tensor to compare
        return
    with torch.inference_mode():
        out = model.second_stage(t["stage2.input_ids"], t["stage2.attention_mask"], t["ctx_fewer.dataset_embeddings"])
    close(out.output, t["ctx_fewer.expected"])


def test_the_wrong_options_are_detectably_wrong() -> None:
    """Residual and instruction exclusion are real switches: flipping them moves the output far."""
    t = load_file(str(FIXTURES / "v2" / "cases.safetensors"))
    model, _ = load_cde_model(FIXTURES / "v2", CDEOptions(residual=False, ignore_instruction=False))
    with torch.inference_mode():
        out = model.second_stage(t["stage2.input_ids"], t["stage2.attention_mask"], t["stage2.dataset_embeddings"])
    close(out.output, load_file(str(FIXTURES / "v2-noresidual" / "cases.safetensors"))["stage2.expected"])
    assert (out.output - t["stage2.expected"]).abs().max() > 0.1


def test_a_checkpoint_with_keys_the_model_lacks_is_refused() -> None:
    model, _ = load_cde_model(FIXTURES / "v1", VARIANTS["v1"])
    state = load_file(str(FIXTURES / "v1" / "model.safetensors"))
    model.load_checkpoint(state)  # the published names load as they are
    with pytest.raises(ValueError, match="unexpected keys in the CDE checkpoint: \\['vision_tower.weight'\\]"):
        model.load_checkpoint({**state, "vision_tower.weight": torch.zeros(2)})
    del state["second_stage_model.output_projection.0.bias"]
    with pytest.raises(RuntimeError, match="Missing key"):
        model.load_checkpoint(state)
