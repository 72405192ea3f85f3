"""The application core: libraries, scanning, extraction, chunking, indexing and search. No Qt here."""
