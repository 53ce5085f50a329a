// llama2.c (and the SentencePiece models it exports) fix these ids: byte
// pieces <0x00>…<0xFF> follow at 3…258.
export const UNK_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const FIRST_BYTE_ID = 3;
