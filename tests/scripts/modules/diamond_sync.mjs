console.log("sync sibling: no async dependency, runs in its DFS turn");
