"""The key of a chunk's exact text, shared by the store and the migration that keyed older indexes."""

from __future__ import annotations


def text_key(text: str) -> int:
    """A chunk's exact text as a signed 64-bit key (8 bytes of blake2b), indexed in chunks.text_key.

    A document's vector depends on its text alone within a space (the model's document prefix is the same
    for every chunk, a CDE context the same for the whole space), so chunks of one text share one vector:
    it is embedded once and copied to the others. Exact text, not normalised: the vector would differ."""
    import hashlib  # only for writing: a cold keyword search does not load OpenSSL for it

    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)
