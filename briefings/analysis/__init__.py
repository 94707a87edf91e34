"""Korean text analysis: sentences, morphemes, company and theme tags, people and quotes."""
