// Classes: private fields and methods, static blocks, accessors, inheritance.
class Account {
  #balance = 0;
  static #count = 0;
  static registry = [];
  static {
    Account.registry.push("initialized");
  }

  constructor(owner) {
    this.owner = owner;
    Account.#count++;
  }
  deposit(amount) {
    this.#check(amount);
    this.#balance += amount;
    return this;
  }
  #check(amount) {
    if (amount <= 0) throw new RangeError(`invalid amount ${amount}`);
  }
  get balance() { return this.#balance; }
  set balance(v) { throw new Error("read only"); }
  static get count() { return Account.#count; }
  static isAccount(o) { return #balance in o; }
}

const acct = new Account("ann").deposit(5).deposit(7);
console.log(acct.owner, acct.balance, Account.count, Account.registry);
try {
  acct.deposit(-1);
} catch (e) {
  console.log(e.name, e.message, e instanceof RangeError);
}
try {
  acct.balance = 3;
} catch (e) {
  console.log("setter threw:", e.message);
}
console.log(Account.isAccount(acct), Account.isAccount({}));

class Savings extends Account {
  #rate;
  constructor(owner, rate) {
    super(owner);
    this.#rate = rate;
  }
  deposit(amount) {
    return super.deposit(amount * (1 + this.#rate));
  }
  toString() { return `Savings(${this.owner}, ${this.balance})`; }
}
const s = new Savings("bob", 0.5);
s.deposit(10);
console.log(String(s), s instanceof Account, Account.count);
console.log(Object.getPrototypeOf(Savings) === Account, Savings.name, Savings.isAccount(s));

// Static inheritance, computed keys, class expressions, new.target.
const key = "dyn";
const Base = class {
  static make() { return new this(); }
  [key + "Method"]() { return "computed"; }
  constructor() { this.kind = new.target.name; }
};
class Derived extends Base {}
console.log(Derived.make().kind, new Base().dynMethod());

// Private names are per class, not per name.
class A { #x = "A"; static read(o) { return o.#x; } }
class B { #x = "B"; }
try {
  A.read(new B());
} catch (e) {
  console.log(e.constructor.name);
}

// Accessors with getters and setters on object literals.
const temp = {
  celsius: 20,
  get fahrenheit() { return this.celsius * 9 / 5 + 32; },
  set fahrenheit(f) { this.celsius = (f - 32) * 5 / 9; },
};
temp.fahrenheit = 212;
console.log(temp.celsius, temp.fahrenheit);
