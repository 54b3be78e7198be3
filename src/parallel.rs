//! Work split over the machine's cores: contiguous chunks, results in input
//! order, so what a build produces never depends on the number of threads.

/// Runs `work` on contiguous chunks of `items` (at least `min_chunk` long),
/// one thread per core, and returns each chunk's result in order. A panic
/// in `work` is re-raised here.
pub fn map_chunks<T: Sync, R: Send>(
    items: &[T],
    min_chunk: usize,
    work: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items.len().div_ceil(threads).max(min_chunk).max(1);
    if items.len() <= chunk {
        return vec![work(items)];
    }
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || work(part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::map_chunks;

    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<u32> = (0..1000).collect();
        let sums = map_chunks(&items, 10, |part| part.to_vec());
        assert_eq!(sums.concat(), items);
        assert_eq!(map_chunks(&items, 5000, |part| part.len()), vec![1000]);
        assert_eq!(map_chunks::<u32, usize>(&[], 1, |part| part.len()), vec![0]);
    }
}
