package search

// Queue is how many texts the readers may hold ready for the writer.
const Queue = queue
