"""Unit 1, the customer service environment: the law in practice (``compliance``), how the
organisation's structure shapes service (``structure``) and the customer's touchpoints
(``touchpoints``)."""
