"""The pathway engine: a case in, an explained and cited assessment out."""
