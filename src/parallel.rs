//! Work split over the machine's cores: contiguous chunks, results in input
//! order, so what a build produces never depends on the number of threads.

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
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items
        .len()
        .div_ceil(threads * CHUNKS_PER_THREAD)
        .max(min_chunk)
        .max(1);
    if threads == 1 || items.len() <= chunk {
        return vec![work(items)];
    }
    let parts: Vec<&[T]> = items.chunks(chunk).collect();
    let results: Vec<Mutex<Option<R>>> = parts.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let worker = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(part) = parts.get(i) else { break };
        let result = work(part);
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
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let weights: Vec<usize> = items.iter().map(|item| weight(item).max(1)).collect();
    let total: usize = weights.iter().sum();
    if threads == 1 || items.len() < 2 {
        return vec![work(items)];
    }
    let target = total.div_ceil(threads * CHUNKS_PER_THREAD).max(1);
    // (start, end, weight) of each chunk, in input order.
    let mut bounds: Vec<(usize, usize, usize)> = Vec::new();
    let mut start = 0;
    let mut sum = 0;
    for (i, &w) in weights.iter().enumerate() {
        // A heavy item does not join the light ones before it.
        if w >= target && i > start {
            bounds.push((start, i, sum));
            start = i;
            sum = 0;
        }
        sum += w;
        if sum >= target {
            bounds.push((start, i + 1, sum));
            start = i + 1;
            sum = 0;
        }
    }
    if start < items.len() {
        bounds.push((start, items.len(), sum));
    }
    let mut order: Vec<usize> = (0..bounds.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(bounds[c].2));
    let results: Vec<Mutex<Option<R>>> = bounds.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let worker = || loop {
        let taken = next.fetch_add(1, Ordering::Relaxed);
        let Some(&c) = order.get(taken) else { break };
        let (from, to, _) = bounds[c];
        let result = work(&items[from..to]);
        *results[c].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.min(bounds.len()))
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
