"""Labels on the current corpus: where each lies (`anchors`), which count (`counting`), the gold label
they give (`gold`), and the check of a whole store (`validation`)."""
