"""The API's typed schemas (pydantic models): what each operation takes and
returns. APIFlask writes the OpenAPI document from them, and serialises each
answer through them, so the document and the answers cannot disagree."""
