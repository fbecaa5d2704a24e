//! The model described for people: states, equations, parameters (unit,
//! default, meaning, source), profiles and treatment mechanisms.
//!
//! Generated from the same tables the code uses, so `sim model` and the
//! tables in docs/MODEL.md cannot drift (a test compares them).

use crate::i18n::Lang;
use crate::model::STATE_NAMES;
use crate::params::PARAMETERS;
use crate::profile::PROFILES;
use crate::treatment::{Evidence, TreatmentKind, MECHANISMS};
use std::fmt::Write;

/// The equations, in plain text (Unicode), shared by both renderings.
pub const EQUATIONS: &str = "\
Signals enter through bounded, monotone factors:
  e_M = M/(M + minoxidil_ec50_percent), g = G/(G + growth_factor_ec50), s = S/(S + stimulation_ec50)
  h(D) = Dⁿ/(Dⁿ + EC50ⁿ) · (1 + EC50ⁿ)   (n = dht_hill, EC50 = dht_ec50_relative; h(1) = 1)
  δ = σ · h(D) · (1 − b),  b = spironolactone_max_block · d/(d + spironolactone_ic50_mg)
      (σ = androgen_sensitivity, starting at dht_sensitivity; d = spironolactone mg/day taken:
       it blocks the receptor, so δ falls while D does not)
  I = M1 (the inflammation column), I⁺ = max(x, 0)³/(x² + 0.02²), x = M1 − M2 (M1 activity in excess of M2, smooth at 0)

Effective durations (days):
  anagen  = anagen_days · (1 + p_E e_E + p_G g + p_S s) / (1 + dht_anagen_shortening δ + inflammation_anagen_shortening I)
            (programmed; k = 6 stages of anagen/k each, an Erlang duration, CV 1/√6 ≈ 0.41)
  held    = anagen_release_days + (p_M e_M + oestrogen_anagen_hold h_E) · anagen
            (past the programmed end, held growing while minoxidil or pregnancy-level oestrogen acts;
             released within days when it stops)
  catagen = catagen_days
  telogen = telogen_days / (1 + r_M e_M + r_G g + r_S s)
  kenogen = kenogen_days · (1 + dht_kenogen_lengthening δ) / (1 + q_M e_M + q_G g + q_S s)
  kenogen if the niche is lost = kenogen_days · (1 + dht_kenogen_lengthening σ) / niche_lost_entry_factor
            (the untreated scalp's pace: without the niche, treatments do not reach the stem cells)
  (p_X = X_anagen_prolongation, r_X = X_telogen_shortening, q_X = X_anagen_entry
   for X = minoxidil, growth_factor, stimulation)

What a follicle is: a kind κ, one of terminal not yet susceptible to DHT (U), terminal and
primed (Π), miniaturized with its niche (M), miniaturized with its niche lost (N). Every
compartment below is counted per kind (A₁^κ … K^κ, R_j^κ: fractions of the starting
follicles; with the lost L they sum to 1), so the ODE is the forward equation of the
follicle-level chain (`sim follicles`).

Phase cycle, for each kind κ (kenogen_κ = kenogen, or kenogen if the niche is lost for N):
  E_κ = K^κ/kenogen_κ                                   (re-entry of kind κ)
  dA₁^κ/dt = B_κ − (k/anagen) A₁^κ                      (B_κ: what the re-entries make of kind κ, below)
  dA_i^κ/dt = (k/anagen) (A_{i−1}^κ − A_i^κ),  i = 2…k
  dH^κ/dt = (k/anagen) A_k^κ − H^κ/held
  dC^κ/dt = H^κ/held − C^κ/catagen
  dT^κ/dt = C^κ/catagen − T^κ/telogen          (T^κ/telogen is the shedding flux)
  dR₁^κ/dt = −(6/released_telogen_days) R₁^κ,  dR_j^κ/dt = (6/released_telogen_days)(R_{j−1}^κ − R_j^κ), j = 2…6
            (follicles a shedding event pushed out of anagen; filled only by the event's jump)
  dK^κ/dt = T^κ/telogen + (6/released_telogen_days) R₆^κ − E_κ

Per-cycle probabilities, applied as follicles re-enter:
  p_prime = 1 − exp(−susceptibility_per_cycle σ)                    (unprimed → primed, whatever the DHT)
  p_primed = 1 − exp(−(dht_miniaturization_per_cycle δ + inflammation_miniaturization_per_cycle I))
  p_mini  = 1 − exp(−inflammation_miniaturization_per_cycle I)      (unprimed terminal → miniaturized)
  p_rest  = 1 − exp(−(restoration_per_cycle + Σ_X X_restoration_per_cycle · e_X))
  p_rest0 = 1 − exp(−restoration_per_cycle)     (restored untreated, at full DHT: unprimed; the rest primed)
  p_niche = 1 − exp(−(niche_loss_dht_per_cycle δ + niche_loss_m1_per_cycle I⁺))
  p_drop  = 1 − exp(−niche_lost_dropout_per_cycle)
  B_U = E_U (1 − p_mini)(1 − p_prime) + E_M p_rest0
  B_Π = E_Π (1 − p_primed) + E_U (1 − p_mini) p_prime + E_M (p_rest − p_rest0)
  B_M = E_M (1 − p_rest)(1 − p_niche) + E_U p_mini + E_Π p_primed
  B_N = E_N (1 − p_drop) + E_M (1 − p_rest) p_niche
  dL/dt = E_N p_drop                                     (lost for good)
  dσ/dt = dht_sensitivity_rise_per_year / 365.25

Signals and drug effect compartments (k_X = ln 2 / X_half_life_days):
  dD/dt = k_D ((1 − inh) · m_DHT − D),  inh = 1 − (1 − Imax_F F/(F + IC50_F)) (1 − Imax_U U/(U + IC50_U))
  dM1/dt = k_I (inflammation_baseline · m_I − M1)      dM2/dt = k_I (macrophage_m2_baseline − M2)
  dG/dt = k_G (G_hold − G) + hif_growth_factor_per_day S      (HIF-1α induces VEGF)
  dS/dt = k_S (S_hold − S) + hif_activation_per_day Hx      (hypoxia stabilizes HIF-1α)
  dHx/dt = −k_Hx Hx      dC_cell/dt = −k_cell C_cell      (hypoxia; injected cells' activity)
  dF/dt = k_F (finasteride mg/day taken − F)
  dU/dt = k_U (dutasteride mg/day taken − U)
  dM/dt = k_M (minoxidil topical-equivalent % − M)
            (oral d mg/day: minoxidil_oral_max_percent · d / (d + minoxidil_oral_half_mg))
  dE/dt = k_E (oestrogen_baseline + pregnancy_oestrogen · pregnant − E)    (oestrogen signal, a hypothesis)
  e_E = E/(E + oestrogen_ec50),  h_E = E⁴/(E⁴ + oestrogen_hold_ec50⁴)   (p_E = oestrogen_anagen_prolongation)
  (m_DHT, m_I, G_hold, S_hold are 1, 1, 0, 0 unless a `custom` treatment is on)

Sessions are jumps at dose events: PRP and exosomes add G and move a share (drop) of M1 to M2;
microneedling adds Hx and a little G; low-level laser and carboxytherapy add Hx; cell therapy
adds C_cell; a shedding event moves a share of every anagen compartment (A₁…A_k, H) to R₁ (a
childbirth first moves the held H); a transplant adds grafts to the transplanted population, whose equations are in
docs/MODEL.md, section Transplants (never primed: only I miniaturizes them).

Readouts (sums over the kinds; A = A₁ + … + A_k + H, R = R₁ + … + R₆; P = 1 − L, present follicles;
  a superscript τ sums the terminal kinds U and Π, N is the niche-lost kind):
  hair_count = follicles · (A + C + T + R)^τ             (terminal, non-vellus hairs)
  hair_density_per_cm2 = follicle_density_per_cm2 · (A + C + T + R)^τ
  shedding_per_day = follicles · (T / telogen + 6 R₆ / released_telogen_days)
  anagen, catagen, telogen, kenogen = A/P, C/P, (T + R)/P, K/P   (shares of the follicles present)
  follicles_present = follicles · P,  niche_intact = 1 − (all of N)/P,  inflammation = M1
  mean_diameter_um = (shafts^τ · terminal_diameter_um + other shafts · vellus_diameter_um) / shafts
  terminal_vellus_ratio = terminal follicles / other follicles present
";

fn num(v: f64) -> String {
    let s = format!("{v}");
    if s.len() > 10 {
        format!("{v:.4e}")
    } else {
        s
    }
}

/// Markdown tables: states, parameters, profiles, mechanisms.
pub fn markdown_tables() -> String {
    let mut s = String::new();
    s.push_str("### States\n\n| index | state | unit |\n|---|---|---|\n");
    for (i, (name, unit)) in STATE_NAMES.iter().enumerate() {
        let _ = writeln!(s, "| {i} | `{name}` | {unit} |");
    }
    s.push_str("\n### Parameters (defaults are the `healthy` profile)\n\n| parameter | unit | default | meaning | source |\n|---|---|---|---|---|\n");
    for p in PARAMETERS {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {} |",
            p.name,
            p.unit,
            num(p.default),
            p.meaning.trim(),
            p.source
        );
    }
    s.push_str("\n### Profiles\n\n| profile | overrides | terminal fraction at start | description |\n|---|---|---|---|\n");
    for p in PROFILES {
        let o = if p.overrides.is_empty() {
            "—".to_string()
        } else {
            p.overrides
                .iter()
                .map(|(n, v)| format!("`{n}` = {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let t = p
            .terminal_fraction_start
            .map_or("own equilibrium".to_string(), |t| format!("{t}"));
        let _ = writeln!(s, "| `{}` | {o} | {t} | {} |", p.name, p.description);
    }
    s.push_str("\n### Treatment mechanisms\n\n| kind | moves | evidence |\n|---|---|---|\n");
    for m in MECHANISMS {
        let _ = writeln!(s, "| `{}` | {} | {} |", m.kind, m.moves, m.evidence);
    }
    s
}

/// The whole description as Markdown.
pub fn markdown() -> String {
    format!(
        "## Equations\n\n```text\n{EQUATIONS}```\n\n{}",
        markdown_tables()
    )
}

/// The whole description as plain text for the terminal.
pub fn text() -> String {
    let mut s = String::new();
    s.push_str("hairsim model — illustrative, not clinical guidance\n\nSTATES\n");
    for (i, (name, unit)) in STATE_NAMES.iter().enumerate() {
        let _ = writeln!(s, "  {i:>2} {name:24} {unit}");
    }
    let _ = write!(
        s,
        "\nEQUATIONS\n{EQUATIONS}\nPARAMETERS (default = healthy profile)\n"
    );
    for p in PARAMETERS {
        let _ = writeln!(
            s,
            "  {:42} {:>10} {:24} {}\n  {:42} source: {}",
            p.name,
            num(p.default),
            p.unit,
            p.meaning.trim(),
            "",
            p.source
        );
    }
    s.push_str("\nPROFILES\n");
    for p in PROFILES {
        let _ = writeln!(s, "  {:14} {}", p.name, p.description);
    }
    s.push_str("\nTREATMENT MECHANISMS\n");
    for m in MECHANISMS {
        // A row's grade is its kind's (`custom` is not among the built-in kinds).
        let grade = TreatmentKind::BUILT_IN
            .iter()
            .find(|k| k.name() == m.kind)
            .map_or(Evidence::Assumed, TreatmentKind::evidence);
        let _ = writeln!(
            s,
            "  {:18} {}\n  {:18} evidence grade: {}\n  {:18} evidence: {}",
            m.kind,
            m.moves,
            "",
            grade.words(Lang::En),
            "",
            m.evidence
        );
    }
    s
}
