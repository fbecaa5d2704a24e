//! One definition of the equations, two readings: numbers and symbols.
//!
//! The right-hand side, the observables, the session jumps and the treatment
//! inputs are written once, generic over [`Scalar`]. With `f64` they are the
//! fast numeric code the solvers call (every method is `#[inline]`, so the
//! generic code compiles to what hand-written `f64` code would). With [`Sym`]
//! the same functions *record* the expression they compute, and the exporters
//! (SBML, Python) print that record. Export and simulation therefore cannot
//! drift apart: there is nothing to keep in sync.
//!
//! A [`Sym`] is an index into a graph held by the current thread while
//! [`trace`] runs. Nodes are hash-consed (an identical expression is stored
//! once), so shared sub-expressions stay shared, and a node's children always
//! have smaller indices: index order is a valid evaluation order.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// Arithmetic the model equations may use. Implemented by `f64` (simulate)
/// and [`Sym`] (export).
pub trait Scalar:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// A literal constant.
    fn lit(v: f64) -> Self;
    /// `self` raised to the power `e`.
    fn powf(self, e: Self) -> Self;
    /// e to the power `self`.
    fn exp(self) -> Self;
    /// The larger of the two (`f64::max` semantics).
    fn max(self, other: Self) -> Self;
    /// Give an intermediate quantity a name, so exports show it as a named
    /// rule or variable instead of inlining it (no effect on numbers).
    fn named(self, name: &'static str) -> Self;
}

impl Scalar for f64 {
    #[inline(always)]
    fn lit(v: f64) -> Self {
        v
    }
    /// Small whole exponents (the default Hill coefficient is 3) by
    /// multiplication, as Julia's `x^3` and C compilers' `pow(x, 3)` under
    /// `-ffast-math` do: a few cycles instead of a `pow` call, which sits on
    /// the right-hand side's critical path (DHT → Hill term → durations),
    /// and within 2 ulp of the correctly rounded power. Other exponents go
    /// to `f64::powf`.
    #[inline(always)]
    fn powf(self, e: Self) -> Self {
        if e == 3.0 {
            self * self * self
        } else if e == 2.0 {
            self * self
        } else if e == 4.0 {
            let s = self * self;
            s * s
        } else {
            f64::powf(self, e)
        }
    }
    #[inline(always)]
    fn exp(self) -> Self {
        f64::exp(self)
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        f64::max(self, other)
    }
    #[inline(always)]
    fn named(self, _name: &'static str) -> Self {
        self
    }
}

/// A symbolic value: a node of the graph being traced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(u32);

impl Sym {
    /// The node's index in its [`Graph`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Binary operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// a + b
    Add,
    /// a − b
    Sub,
    /// a × b
    Mul,
    /// a ÷ b
    Div,
    /// aᵇ
    Pow,
    /// max(a, b)
    Max,
}

impl BinOp {
    fn apply(self, a: f64, b: f64) -> f64 {
        match self {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => a * b,
            BinOp::Div => a / b,
            BinOp::Pow => a.powf(b),
            BinOp::Max => a.max(b),
        }
    }
}

/// One node of an expression graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Node {
    /// A constant.
    Lit(f64),
    /// A model parameter, by name (see [`crate::params::PARAMETERS`]).
    Param(&'static str),
    /// A state variable, by index (see [`crate::model::ix`]).
    State(usize),
    /// A treatment input, by name (see [`crate::model::INPUT_NAMES`]).
    Input(&'static str),
    /// A binary operation.
    Bin(BinOp, Sym, Sym),
    /// −a
    Neg(Sym),
    /// eᵃ
    Exp(Sym),
    /// A named intermediate quantity.
    Named(&'static str, Sym),
}

/// Hash key of a node (literals by bit pattern, so −0 and 0 stay apart).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Lit(u64),
    Param(&'static str),
    State(usize),
    Input(&'static str),
    Bin(BinOp, Sym, Sym),
    Neg(Sym),
    Exp(Sym),
    Named(&'static str, Sym),
}

impl From<Node> for Key {
    fn from(n: Node) -> Key {
        match n {
            Node::Lit(v) => Key::Lit(v.to_bits()),
            Node::Param(p) => Key::Param(p),
            Node::State(i) => Key::State(i),
            Node::Input(u) => Key::Input(u),
            Node::Bin(op, a, b) => Key::Bin(op, a, b),
            Node::Neg(a) => Key::Neg(a),
            Node::Exp(a) => Key::Exp(a),
            Node::Named(n, a) => Key::Named(n, a),
        }
    }
}

/// A traced expression graph.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    index: HashMap<Key, Sym>,
}

impl Graph {
    /// The node behind `s`.
    pub fn node(&self, s: Sym) -> Node {
        self.nodes[s.index()]
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the graph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    fn intern(&mut self, node: Node) -> Sym {
        // Fold operations on two constants with the same f64 arithmetic the
        // numeric code would do, so exports stay exact.
        let node = match node {
            Node::Bin(op, a, b) => match (self.node(a), self.node(b)) {
                (Node::Lit(x), Node::Lit(y)) => Node::Lit(op.apply(x, y)),
                _ => node,
            },
            Node::Neg(a) => match self.node(a) {
                Node::Lit(x) => Node::Lit(-x),
                _ => node,
            },
            Node::Exp(a) => match self.node(a) {
                Node::Lit(x) => Node::Lit(x.exp()),
                _ => node,
            },
            _ => node,
        };
        let key = Key::from(node);
        if let Some(&s) = self.index.get(&key) {
            return s;
        }
        let s = Sym(self.nodes.len() as u32);
        self.nodes.push(node);
        self.index.insert(key, s);
        s
    }

    /// Every node reachable from `roots`, children before parents.
    pub fn reachable(&self, roots: &[Sym]) -> Vec<Sym> {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack: Vec<Sym> = roots.to_vec();
        while let Some(s) = stack.pop() {
            if std::mem::replace(&mut seen[s.index()], true) {
                continue;
            }
            match self.node(s) {
                Node::Bin(_, a, b) => stack.extend([a, b]),
                Node::Neg(a) | Node::Exp(a) | Node::Named(_, a) => stack.push(a),
                _ => {}
            }
        }
        (0..self.nodes.len())
            .filter(|&i| seen[i])
            .map(|i| Sym(i as u32))
            .collect()
    }

    /// Evaluate `s` numerically, reading leaves through `leaf` (parameters,
    /// states and inputs). Used to check a traced expression against the
    /// numeric code it came from.
    pub fn eval(&self, s: Sym, leaf: &dyn Fn(Node) -> f64) -> f64 {
        let mut values = vec![0.0; s.index() + 1];
        for i in 0..=s.index() {
            values[i] = match self.nodes[i] {
                Node::Lit(v) => v,
                n @ (Node::Param(_) | Node::State(_) | Node::Input(_)) => leaf(n),
                Node::Bin(op, a, b) => op.apply(values[a.index()], values[b.index()]),
                Node::Neg(a) => -values[a.index()],
                Node::Exp(a) => values[a.index()].exp(),
                Node::Named(_, a) => values[a.index()],
            };
        }
        values[s.index()]
    }
}

thread_local! {
    static GRAPH: RefCell<Graph> = RefCell::new(Graph::default());
}

fn intern(node: Node) -> Sym {
    GRAPH.with(|g| g.borrow_mut().intern(node))
}

/// Run `f` with a fresh graph on this thread and return the graph it built
/// with `f`'s result (whose [`Sym`]s index into that graph).
pub fn trace<R>(f: impl FnOnce() -> R) -> (Graph, R) {
    GRAPH.with(|g| *g.borrow_mut() = Graph::default());
    let r = f();
    let graph = GRAPH.with(|g| std::mem::take(&mut *g.borrow_mut()));
    (graph, r)
}

impl Sym {
    /// A parameter leaf.
    pub fn param(name: &'static str) -> Sym {
        intern(Node::Param(name))
    }
    /// A state leaf.
    pub fn state(i: usize) -> Sym {
        intern(Node::State(i))
    }
    /// An input leaf.
    pub fn input(name: &'static str) -> Sym {
        intern(Node::Input(name))
    }
}

macro_rules! sym_binop {
    ($tr:ident, $method:ident, $op:ident) => {
        impl $tr for Sym {
            type Output = Sym;
            fn $method(self, rhs: Sym) -> Sym {
                intern(Node::Bin(BinOp::$op, self, rhs))
            }
        }
    };
}
sym_binop!(Add, add, Add);
sym_binop!(Sub, sub, Sub);
sym_binop!(Mul, mul, Mul);
sym_binop!(Div, div, Div);

impl Neg for Sym {
    type Output = Sym;
    fn neg(self) -> Sym {
        intern(Node::Neg(self))
    }
}

impl Scalar for Sym {
    fn lit(v: f64) -> Self {
        intern(Node::Lit(v))
    }
    fn powf(self, e: Self) -> Self {
        intern(Node::Bin(BinOp::Pow, self, e))
    }
    fn exp(self) -> Self {
        intern(Node::Exp(self))
    }
    fn max(self, other: Self) -> Self {
        intern(Node::Bin(BinOp::Max, self, other))
    }
    fn named(self, name: &'static str) -> Self {
        intern(Node::Named(name, self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poly<T: Scalar>(x: T, a: T) -> T {
        let sq = (x * x).named("sq");
        sq + a * x - T::lit(2.0).exp() + (-x).max(T::lit(0.0))
    }

    #[test]
    fn whole_powers_by_multiplication_are_within_two_ulp_of_powf() {
        for e in [2.0, 3.0, 4.0] {
            for i in 0..=2000 {
                let x = f64::from(i) * 0.001_7;
                let (fast, exact) = (Scalar::powf(x, e), f64::powf(x, e));
                assert!(
                    (fast - exact).abs() <= 2.0 * f64::EPSILON * exact,
                    "{x}^{e}: {fast} vs {exact}"
                );
            }
        }
        // Any other exponent is `f64::powf` itself.
        assert!((Scalar::powf(2.0_f64, 2.5) - 2.0_f64.powf(2.5)).abs() <= 0.0);
    }

    #[test]
    fn a_traced_expression_evaluates_like_the_numeric_code() {
        let (g, e) = trace(|| poly(Sym::state(0), Sym::param("a")));
        for (x, a) in [(1.5, 2.0), (-3.0, 0.25), (0.0, -1.0)] {
            let leaf = |n: Node| match n {
                Node::State(0) => x,
                Node::Param("a") => a,
                other => panic!("unexpected leaf {other:?}"),
            };
            let got = g.eval(e, &leaf);
            let want = poly(x, a);
            assert!((got - want).abs() <= 1e-15 * want.abs().max(1.0));
        }
    }

    #[test]
    fn identical_expressions_are_stored_once_and_constants_fold() {
        let (g, (a, b, c)) = trace(|| {
            let x = Sym::state(1);
            let a = x * Sym::lit(3.0);
            let b = x * Sym::lit(3.0);
            let c = Sym::lit(1.0) + Sym::lit(2.0);
            (a, b, c)
        });
        assert_eq!(a, b);
        assert_eq!(g.node(c), Node::Lit(3.0));
        // x, 3 and x·3 (the folded 1 and 2 stay as unused leaves).
        assert_eq!(g.reachable(&[a]).len(), 3);
    }

    #[test]
    fn reachable_lists_children_before_parents() {
        let (g, e) = trace(|| poly(Sym::state(0), Sym::param("a")));
        let order = g.reachable(&[e]);
        assert_eq!(order.last(), Some(&e));
        for (pos, s) in order.iter().enumerate() {
            if let Node::Bin(_, a, b) = g.node(*s) {
                assert!(order[..pos].contains(&a) && order[..pos].contains(&b));
            }
        }
    }
}
