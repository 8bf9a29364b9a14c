// Timers and immediates: due-time order, creation order on ties, intervals,
// clearing, arguments and `this`, and microtasks after every callback.
// Each stage starts from the previous one's last callback, so the expected
// order does not depend on how fast the machine is.
const log = (...a) => console.log(...a);
const stages = [];
const next = () => {
  const s = stages.shift();
  if (s) s();
};

// Timers armed from the same loop time fire by delay, ties in creation order.
stages.push(() => {
  setTimeout(() => {
    log("timeout 20");
    next();
  }, 20);
  setTimeout(() => log("timeout 5"), 5);
  setTimeout(() => log("timeout 10 a"), 10);
  setTimeout(() => log("timeout 10 b"), 10);
  setTimeout((a, b) => log("args:", a, b), 1, "x", "y");
  setTimeout(() => log("delay 0 is 1"), 0);
  setTimeout(() => log("negative delay is 1"), -5);
  setTimeout(() => log("NaN delay is 1"), NaN);
  const self = setTimeout(function () {
    log("this is the timer object:", this === self);
  }, 2);
  const cancelled = setTimeout(() => log("never"), 3);
  clearTimeout(cancelled);
  clearTimeout(undefined);
  clearTimeout({});
  const closed = setTimeout(() => log("never (closed)"), 3);
  log("close returns the timer:", closed.close() === closed);
});

// An interval fires until cleared.
stages.push(() => {
  let n = 0;
  const iv = setInterval(
    (tag) => {
      n++;
      log("interval", n, tag);
      if (n === 3) {
        clearInterval(iv);
        setTimeout(next, 5);
      }
    },
    2,
    "tag",
  );
});

// Inside a timer callback, immediates run before 0ms timers; microtasks first.
stages.push(() => {
  setTimeout(() => {
    setTimeout(() => {
      log("nested timeout");
      next();
    }, 0);
    setImmediate(() => log("nested immediate"));
    Promise.resolve().then(() => log("microtask after timer callback"));
    queueMicrotask(() => log("queueMicrotask after timer callback"));
  }, 1);
});

// Microtasks run between two timers that fire in the same iteration.
stages.push(() => {
  setTimeout(() => {
    log("t1");
    Promise.resolve().then(() => log("t1 microtask"));
  }, 3);
  setTimeout(() => {
    log("t2");
    next();
  }, 3);
});

// Immediates: FIFO; those queued by an immediate wait for the next iteration.
stages.push(() => {
  setImmediate(() => {
    log("imm 1");
    setImmediate(() => {
      log("imm 3 (queued by imm 1)");
      next();
    });
    Promise.resolve().then(() => log("imm 1 microtask"));
  });
  const cancelledImm = setImmediate(() => log("never"));
  setImmediate((x) => log("imm 2", x), "arg");
  clearImmediate(cancelledImm);
});

// refresh re-arms a timer from the current loop time.
stages.push(() => {
  const a = setTimeout(() => {
    log("A (refreshed)");
    next();
  }, 15);
  setTimeout(() => {
    log("B refreshes A");
    a.refresh();
  }, 10);
  setTimeout(() => log("C"), 20);
});

// unref'd timers do not keep the loop alive; ref() brings them back.
stages.push(() => {
  setTimeout(() => log("unref'd timer never fires"), 100000).unref();
  const r = setTimeout(() => log("re-ref'd timer fires"), 5);
  r.unref();
  log("hasRef after unref:", r.hasRef());
  r.ref();
  log("hasRef after ref:", r.hasRef());
  const i = setImmediate(() => log("immediate fires"));
  log("immediate hasRef:", i.hasRef());
  log("id is a number:", typeof +r, +r > 0);
});

next();
log("sync end");
