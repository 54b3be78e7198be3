//! Work split over the machine's cores: contiguous chunks, results in input
//! order, so what a build produces never depends on the number of threads.
//! Chunks are cut by count ([`map_chunks`]) or by cost
//! ([`map_weighted_chunks`]); both run them the same way.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Chunks per thread: threads take chunks in turn from a shared counter, so
/// a thread that shares its core with other work (the static search bundle
/// is written beside rendering) or draws costlier items takes fewer of them
/// instead of finishing last.
const CHUNKS_PER_THREAD: usize = 8;

/// Runs `work` on contiguous chunks of `items` (at least `min_chunk` long)
/// on one thread per core and returns each chunk's result in input order.
/// A panic in `work` is re-raised here.
pub fn map_chunks<T: Sync, R: Send>(
    items: &[T],
    min_chunk: usize,
    work: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    let threads = threads();
    let chunk = items
        .len()
        .div_ceil(threads * CHUNKS_PER_THREAD)
        .max(min_chunk)
        .max(1);
    if threads == 1 || items.len() <= chunk {
        return vec![work(items)];
    }
    let parts: Vec<&[T]> = items.chunks(chunk).collect();
    let order: Vec<usize> = (0..parts.len()).collect();
    run(&parts, &order, threads, work)
}

/// [`map_chunks`] for items of unequal cost: chunks are cut to about the
/// same total `weight` (an item heavier than that is a chunk of its own)
/// and taken heaviest first, so that no costly item is left for one thread
/// to finish alone while the others wait. Results still come in input
/// order.
pub fn map_weighted_chunks<T: Sync, R: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    work: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    let threads = threads();
    let weights: Vec<usize> = items.iter().map(|item| weight(item).max(1)).collect();
    let total: usize = weights.iter().sum();
    if threads == 1 || items.len() < 2 {
        return vec![work(items)];
    }
    let target = total.div_ceil(threads * CHUNKS_PER_THREAD).max(1);
    let mut parts: Vec<&[T]> = Vec::new();
    let mut part_weights: Vec<usize> = Vec::new();
    let mut start = 0;
    let mut sum = 0;
    for (i, &w) in weights.iter().enumerate() {
        // A heavy item does not join the light ones before it.
        if w >= target && i > start {
            parts.push(&items[start..i]);
            part_weights.push(sum);
            start = i;
            sum = 0;
        }
        sum += w;
        if sum >= target {
            parts.push(&items[start..=i]);
            part_weights.push(sum);
            start = i + 1;
            sum = 0;
        }
    }
    if start < items.len() {
        parts.push(&items[start..]);
        part_weights.push(sum);
    }
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(part_weights[c]));
    run(&parts, &order, threads, work)
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `work` on every one of `parts` on `threads` threads, which take
/// them in turn in `order`; returns the results in the order of `parts`.
fn run<T: Sync, R: Send>(
    parts: &[&[T]],
    order: &[usize],
    threads: usize,
    work: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    let results: Vec<Mutex<Option<R>>> = parts.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let worker = || loop {
        let taken = next.fetch_add(1, Ordering::Relaxed);
        let Some(&i) = order.get(taken) else { break };
        let result = work(parts[i]);
        *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.min(parts.len()))
            .map(|_| scope.spawn(worker))
            .collect();
        for h in handles {
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        }
    });
    results
        .into_iter()
        .map(|r| {
            r.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every chunk was taken by a worker that returned")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{map_chunks, map_weighted_chunks};

    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<u32> = (0..1000).collect();
        let sums = map_chunks(&items, 10, |part| part.to_vec());
        assert_eq!(sums.concat(), items);
        assert_eq!(map_chunks(&items, 5000, |part| part.len()), vec![1000]);
        assert_eq!(map_chunks::<u32, usize>(&[], 1, |part| part.len()), vec![0]);
    }

    #[test]
    fn weighted_chunks_keep_the_input_order_and_heavy_items_alone() {
        let items: Vec<u32> = (0..1000).collect();
        // Items 10 and 990 each weigh as much as all the others together.
        let weight = |&i: &u32| if i == 10 || i == 990 { 1000 } else { 1 };
        let parts = map_weighted_chunks(&items, weight, |part| part.to_vec());
        assert_eq!(parts.concat(), items);
        if std::thread::available_parallelism().map_or(1, |n| n.get()) > 1 {
            assert!(parts.contains(&vec![10]) && parts.contains(&vec![990]));
            assert!(parts.len() > 3, "{} chunks", parts.len());
        }
        let none: Vec<usize> = map_weighted_chunks::<u32, usize>(&[], weight, |p| p.len());
        assert_eq!(none, vec![0]);
    }

    #[test]
    #[should_panic(expected = "chunk 7")]
    fn a_panic_in_a_chunk_reaches_the_caller() {
        let items: Vec<u32> = (0..1000).collect();
        map_chunks(&items, 1, |part| {
            if part.contains(&7) {
                panic!("chunk 7");
            }
        });
    }
}
