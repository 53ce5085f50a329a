/**
 * Candidate in-context demonstrations for PromptEOL (METHODS §3): a sentence
 * and the one word that sums it up. `deno task demos` scores each on STS-B
 * dev for a model and records the best.
 */
export const DEMONSTRATION_POOL: ReadonlyArray<{
  readonly sentence: string;
  readonly word: string;
}> = [
  { sentence: "A jockey riding a horse.", word: "Equestrian" },
  { sentence: "A man is playing a guitar.", word: "Music" },
  { sentence: "A woman is slicing an onion.", word: "Cooking" },
  { sentence: "Stocks fell sharply after the announcement.", word: "Market" },
  { sentence: "The children are playing in the park.", word: "Play" },
  { sentence: "A little girl is sleeping in her bed.", word: "Sleep" },
  { sentence: "The dog ran after the ball.", word: "Dog" },
  { sentence: "Once upon a time there was a happy cat.", word: "Story" },
];
