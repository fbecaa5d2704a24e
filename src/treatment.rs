//! Treatment kinds: what each one moves in the model, in which dose unit, and how
//! strong the evidence is.
//!
//! Daily drugs are *continuous*: while taken they set an input (mg per day or a
//! topical %) that an effect compartment follows. Procedures are *sessions*:
//! each one is a dose event where the integrator stops and the state jumps.

use crate::event::ShedEvent;
use crate::i18n::{Key, Lang};
use crate::model::structure::{direction, rates_of_change, representative, Direction};
use crate::model::{ix, HairModel, Inputs, State, N_STATES};
use crate::params::Parameters;
use crate::solve::AsArray;
use crate::symbolic::Scalar;
use crate::units::DoseUnit;
use serde::Serialize;

/// The model input a `custom` treatment moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Scalp DHT: continuous multiplies its target by 1 + effect; a session
    /// lowers the state by a share (effect < 0) or adds effect × the untreated level.
    Dht,
    /// Inflammation (M1 activity): continuous multiplies its baseline by 1 +
    /// effect; a session lowers the state by a share (effect < 0) or adds
    /// effect × the profile's baseline.
    Inflammation,
    /// Growth factor: continuous holds it at `effect`; a session adds `effect`.
    GrowthFactor,
    /// Stimulation: continuous holds it at `effect`; a session adds `effect`.
    Stimulation,
}

impl Target {
    /// Every target, for error messages.
    pub const ALL: [Target; 4] = [
        Target::Dht,
        Target::Inflammation,
        Target::GrowthFactor,
        Target::Stimulation,
    ];

    /// Name as written in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Target::Dht => "dht",
            Target::Inflammation => "inflammation",
            Target::GrowthFactor => "growth_factor",
            Target::Stimulation => "stimulation",
        }
    }

    /// Whether `effect` is a multiplier step (must be ≥ −1) rather than a level.
    pub fn is_multiplicative(self) -> bool {
        matches!(self, Target::Dht | Target::Inflammation)
    }
}

/// How a treatment is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Taken every day (or every few days) between start and stop; sets an input.
    Continuous,
    /// Discrete sessions; each is a breakpoint with a jump in the state.
    Sessions,
}

impl Delivery {
    /// Both deliveries.
    pub const ALL: [Delivery; 2] = [Delivery::Continuous, Delivery::Sessions];

    /// Name as written in scenario files (`custom` treatments).
    pub fn name(self) -> &'static str {
        match self {
            Delivery::Continuous => "continuous",
            Delivery::Sessions => "sessions",
        }
    }
}

/// A treatment kind.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TreatmentKind {
    /// 5α-reductase type II inhibitor, oral, mg.
    Finasteride,
    /// 5α-reductase type I+II inhibitor, oral, mg.
    Dutasteride,
    /// Androgen-receptor blocker, oral, mg (DHT acts less; DHT is not lowered).
    Spironolactone,
    /// Topical minoxidil, concentration %.
    MinoxidilTopical,
    /// Oral minoxidil, mg.
    MinoxidilOral,
    /// Platelet-rich plasma injections.
    Prp,
    /// Exosome injections (speculative).
    Exosome,
    /// Microneedling sessions.
    Microneedling,
    /// Low-level laser sessions.
    LowLevelLaser,
    /// Carboxytherapy sessions (CO₂ injected under the scalp skin).
    Carboxytherapy,
    /// Stem-cell conditioned medium applied every day (topical), relative strength.
    ConditionedMedia,
    /// Autologous dermal sheath cup cells (S-DSC) injected, dose in cells.
    CellTherapy,
    /// Hair transplant: follicular units moved from the donor region, dose in grafts.
    HairTransplant,
    /// A pregnancy (made by a `childbirth` event, never written as a
    /// treatment): oestrogen raised while it lasts.
    Pregnancy,
    /// A shedding event (`[[arm.event]]`), never written as a treatment.
    Event {
        /// Which one.
        event: ShedEvent,
    },
    /// An educator-defined treatment that moves one input.
    Custom {
        /// Which input it moves.
        target: Target,
        /// Continuous or sessions.
        delivery: Delivery,
        /// How much (see [`Target`]).
        effect: f64,
    },
}

/// One row of the mechanism table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Mechanism {
    /// Kind name.
    pub kind: &'static str,
    /// Inputs it moves, in words.
    pub moves: &'static str,
    /// Evidence behind the mechanism and its size.
    pub evidence: &'static str,
}

/// How strong the evidence behind a treatment's mechanism is (the first word
/// of its [`Mechanism::evidence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// Human trials with consistent effects.
    Strong,
    /// Trials of effect size, mechanism from animal or cell work.
    Medium,
    /// Heterogeneous or small trials.
    LowMedium,
    /// Mechanistic hypotheses, cell and animal work.
    Low,
    /// Small uncontrolled studies only.
    Speculative,
    /// Whatever the scenario's author assumes (`custom`).
    Assumed,
}

impl Evidence {
    /// The grade in words (what the report's evidence table, the charts'
    /// treatment lanes and `sim model` show).
    pub fn words(self, lang: Lang) -> &'static str {
        lang.get(match self {
            Evidence::Strong => Key::EvidenceStrong,
            Evidence::Medium => Key::EvidenceMedium,
            Evidence::LowMedium => Key::EvidenceLowMedium,
            Evidence::Low => Key::EvidenceLow,
            Evidence::Speculative => Key::EvidenceSpeculative,
            Evidence::Assumed => Key::EvidenceAssumed,
        })
    }
}

/// The mechanism table shown by `sim model` and docs/MODEL.md.
pub const MECHANISMS: &[Mechanism] = &[
    Mechanism { kind: "finasteride", moves: "5α-reductase inhibition → scalp DHT down (Emax on mg/day; effect half-life 1.5 d)", evidence: "strong, human: Drake 1999 (scalp DHT −64% at 1 mg), Kaufman 1998 (hair count)" },
    Mechanism { kind: "dutasteride", moves: "5α-reductase inhibition → DHT down (Emax on mg/day; effect half-life 35 d, slow offset)", evidence: "strong, human: Clark 2004 (serum DHT −95% at 0.5 mg)" },
    Mechanism { kind: "spironolactone", moves: "androgen-receptor block → DHT's effect down (Emax on mg/day, at most 50 %, at once); scalp DHT itself unchanged", evidence: "uncontrolled human series: Sinclair 2005 (80 women, spironolactone 200 mg or cyproterone, ≥ 12 months: 44 % regrowth, 44 % no change, 12 % continued loss; open before–after study)" },
    Mechanism { kind: "minoxidil_topical", moves: "anagen entry (telogen and kenogen shortened → early shedding), follicles held in anagen while applied (released together when stopped → shedding wave), slow restoration (Emax on %)", evidence: "medium: Olsen 2002 (effect size, human); mechanism Messenger & Rundegren 2004 (animal/cell); effects vanish within a month of stopping, Van Neste 2020 (human, small)" },
    Mechanism { kind: "minoxidil_oral", moves: "as topical, dose converted to a topical-equivalent % that saturates (0.25 mg ≈ 2 %, 5 mg ≈ 5 %)", evidence: "high for equivalence: Penha 2024 (5 mg ≈ 5 %, men), Vahabi-Amlashi 2021 (0.25 mg ≈ 2 %, women); mechanism as topical" },
    Mechanism { kind: "prp", moves: "growth-factor bolus per session + a share of M1 activity shifted to M2 (less inflammation, slower niche loss)", evidence: "low-medium: Kieling 2024 meta-analysis, very heterogeneous; the M1→M2 shift and its effect on the niche are a hypothesis (clinic claim)" },
    Mechanism { kind: "exosome", moves: "growth-factor bolus + a larger M1→M2 shift", evidence: "speculative: only small uncontrolled human studies; no pooled effect size" },
    Mechanism { kind: "microneedling", moves: "hypoxia pulse per session → HIF-1α (stimulation) → VEGF (growth factor), + a small wound-healing growth-factor release", evidence: "medium for effect size: Dhurat 2013 (RCT, evaluator-blinded, single centre), Kumar 2018; the hypoxia → HIF-1α route is a mechanistic hypothesis (cell and animal work)" },
    Mechanism { kind: "low_level_laser", moves: "hypoxia-like pulse per session (redox shift) → HIF-1α (stimulation) → VEGF (growth factor)", evidence: "medium for effect size: Jimenez 2014; mechanism hypothesis" },
    Mechanism { kind: "carboxytherapy", moves: "hypoxia pulse per session (CO₂ displaces oxygen) → HIF-1α (stimulation) → VEGF (growth factor)", evidence: "low: Doghaim 2018 (40 patients vs placebo, density up over 3 months, regressing after stopping; sizes not in the abstract); the hypoxia → HIF-1α route is seed 001's hypothesis (cell work)" },
    Mechanism { kind: "conditioned_media", moves: "while applied: growth factor held up (KGF, VEGF, HGF) + M1 baseline lowered (M2-like, anti-inflammatory); growth speed up through the growth factor", evidence: "small RCT, industry-run, single report: Oh 2020 (topical hUCB-MSC medium, 30 people, 16 weeks: density +14 %, thickness +28 %, growth speed +20 % vs no change on placebo; seed 003 presents it as a clinic result); M2 effect a hypothesis (mouse)" },
    Mechanism { kind: "cell_therapy", moves: "one injection of dermal sheath cup cells: a cell activity that fades over months (half-life 90 d), raising anagen entry, shortening telogen and slightly restoring miniaturized follicles; above the reference dose the effect falls (x(1+a)/(1+ax²))", evidence: "small RCT, sponsor-run: Tsuboi 2020 (65 people, single injection: only the lowest dose, 3 × 10⁵ cells, beat placebo at 6 and 9 months, gone at 12; mean diameter unchanged); Harada 2023 (single arm, +2.2 % diameter)" },
    Mechanism { kind: "hair_transplant", moves: "a second, DHT-insensitive follicle population (donor dominance): grafts shed their shafts within weeks, rest, regrow from about month 3 and thicken over a year; each survives if its arrector pili muscle re-attaches (less likely while M1 outweighs M2)", evidence: "strong for donor dominance, weak for the timeline: Orentreich 1959 (human), survival 90–100 % (Parsley & Perez-Meza 2010, review), shedding and regrowth times from clinic reports; survival through re-attachment is seed 000's hypothesis (mouse: Sato 2012)" },
    Mechanism { kind: "pregnancy", moves: "oestrogen raised to the pregnancy level for the 40 weeks before a childbirth → follicles held in anagen past their programme", evidence: "anagen ≈ 95 % in late pregnancy, ≈ 76 % 6 weeks after delivery (Lynfield 1960, secondary); which hormone holds anagen is uncertain (17β-oestradiol inhibits cultured follicles): the oestrogen route is a hypothesis" },
    Mechanism { kind: "fever", moves: "immediate anagen release: a share of the anagen follicles (25 % at severity 1) pushed into the released stages at once; their club hairs shed weeks later", evidence: "timing from case series: shedding 45 days–2 months after COVID-19 (Abrantes 2021, Rossi 2021), 2–4 months after a trigger (Kligman 1961); the share released is an illustrative assumption" },
    Mechanism { kind: "stress", moves: "immediate anagen release, smaller than a fever's (15 % at severity 1)", evidence: "qualitative (Headington 1993's functional types); the share is an illustrative assumption" },
    Mechanism { kind: "crash_diet", moves: "immediate anagen release in four fortnightly steps over the diet's first two months (30 % in all at severity 1)", evidence: "9 patients: shedding 2–5 months after starting the diet, telogen 25–50 % (Goette & Odom 1976); the share and the steps are illustrative assumptions" },
    Mechanism { kind: "childbirth", moves: "ends the pregnancy (oestrogen falls within days) and releases the follicles its oestrogen held in anagen", evidence: "Lynfield 1960 (secondary): anagen 95 % → 76 % by 6 weeks postpartum; Gizlenti & Ekmekci 2014: anagen lower at month 4 postpartum, no difference at 1 year; a 2016 review doubts postpartum effluvium exists" },
    Mechanism { kind: "custom", moves: "one chosen input (dht, inflammation = M1 activity, growth_factor, stimulation) by a chosen effect", evidence: "whatever the educator assumes: label it" },
];

impl TreatmentKind {
    /// The kinds that a name alone makes (every kind but `custom`), in the
    /// order messages list them.
    pub const BUILT_IN: [TreatmentKind; 13] = [
        TreatmentKind::Finasteride,
        TreatmentKind::Dutasteride,
        TreatmentKind::Spironolactone,
        TreatmentKind::MinoxidilTopical,
        TreatmentKind::MinoxidilOral,
        TreatmentKind::Prp,
        TreatmentKind::Exosome,
        TreatmentKind::Microneedling,
        TreatmentKind::LowLevelLaser,
        TreatmentKind::Carboxytherapy,
        TreatmentKind::ConditionedMedia,
        TreatmentKind::CellTherapy,
        TreatmentKind::HairTransplant,
    ];

    /// The name of the educator-defined kind, which needs `target`, `delivery`
    /// and `effect` besides its name (see scenario validation).
    pub const CUSTOM: &'static str = "custom";

    /// Largest dose accepted, in the kind's unit, for every kind but a transplant.
    pub const MAX_DOSE: f64 = 1000.0;

    /// Largest transplant accepted, grafts: above what a donor region can
    /// give (a safe donor area holds about 6,000 follicular units).
    pub const MAX_GRAFTS: f64 = 10_000.0;

    /// Largest cell dose accepted: above every dose Tsuboi 2020 tried (7.5 × 10⁶).
    pub const MAX_CELLS: f64 = 1.0e8;

    /// Largest dose accepted, in the kind's unit.
    pub fn max_dose(&self) -> f64 {
        match self {
            TreatmentKind::HairTransplant => Self::MAX_GRAFTS,
            TreatmentKind::CellTherapy => Self::MAX_CELLS,
            _ => Self::MAX_DOSE,
        }
    }

    /// Name as written in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            TreatmentKind::Finasteride => "finasteride",
            TreatmentKind::Dutasteride => "dutasteride",
            TreatmentKind::Spironolactone => "spironolactone",
            TreatmentKind::MinoxidilTopical => "minoxidil_topical",
            TreatmentKind::MinoxidilOral => "minoxidil_oral",
            TreatmentKind::Prp => "prp",
            TreatmentKind::Exosome => "exosome",
            TreatmentKind::Microneedling => "microneedling",
            TreatmentKind::LowLevelLaser => "low_level_laser",
            TreatmentKind::Carboxytherapy => "carboxytherapy",
            TreatmentKind::ConditionedMedia => "conditioned_media",
            TreatmentKind::CellTherapy => "cell_therapy",
            TreatmentKind::HairTransplant => "hair_transplant",
            TreatmentKind::Pregnancy => "pregnancy",
            TreatmentKind::Event { event } => event.name(),
            TreatmentKind::Custom { .. } => Self::CUSTOM,
        }
    }

    /// Its row of [`MECHANISMS`].
    pub fn mechanism(&self) -> Option<&'static Mechanism> {
        MECHANISMS.iter().find(|m| m.kind == self.name())
    }

    /// How strong the evidence behind its mechanism is.
    pub fn evidence(&self) -> Evidence {
        match self {
            TreatmentKind::Finasteride | TreatmentKind::Dutasteride => Evidence::Strong,
            TreatmentKind::MinoxidilTopical
            | TreatmentKind::MinoxidilOral
            | TreatmentKind::Microneedling
            | TreatmentKind::LowLevelLaser
            | TreatmentKind::HairTransplant => Evidence::Medium,
            TreatmentKind::Prp | TreatmentKind::ConditionedMedia | TreatmentKind::CellTherapy => {
                Evidence::LowMedium
            }
            TreatmentKind::Carboxytherapy | TreatmentKind::Pregnancy => Evidence::Low,
            TreatmentKind::Event { .. } => Evidence::LowMedium,
            TreatmentKind::Exosome | TreatmentKind::Spironolactone => Evidence::Speculative,
            TreatmentKind::Custom { .. } => Evidence::Assumed,
        }
    }

    /// The states this treatment moves directly, and which way, read off its
    /// own code at the reference state `y` of `params`: a continuous kind's
    /// inputs at its default dose change the states' rates of change; a
    /// session kind's jump changes the states. The mechanism map draws one
    /// arrow for each. A follicle state is given by the state that stands
    /// for its phase ([`crate::model::structure::representative`]), once.
    pub fn targets(&self, params: &Parameters, y: &State) -> Vec<(usize, Direction)> {
        let (before, after) = match self.delivery() {
            Delivery::Continuous => {
                let model = HairModel::untreated(*params);
                let mut treated = model;
                self.add_continuous(params, self.default_dose(), &mut treated.inputs);
                (rates_of_change(&model, y), rates_of_change(&treated, y))
            }
            Delivery::Sessions => {
                let mut jumped = *y;
                self.apply_session(params, self.default_dose(), jumped.as_array_mut());
                (*y, jumped)
            }
        };
        let mut out = Vec::new();
        for (i, (&a, &b)) in before.iter().zip(after.iter()).enumerate() {
            let target = direction(a, b).map(|d| (representative(i), d));
            if let Some(t) = target.filter(|t| !out.contains(t)) {
                out.push(t);
            }
        }
        out
    }

    /// Continuous or sessions.
    pub fn delivery(&self) -> Delivery {
        match self {
            TreatmentKind::Finasteride
            | TreatmentKind::Dutasteride
            | TreatmentKind::Spironolactone
            | TreatmentKind::MinoxidilTopical
            | TreatmentKind::MinoxidilOral
            | TreatmentKind::ConditionedMedia
            | TreatmentKind::Pregnancy => Delivery::Continuous,
            TreatmentKind::Prp
            | TreatmentKind::Exosome
            | TreatmentKind::Microneedling
            | TreatmentKind::LowLevelLaser
            | TreatmentKind::Carboxytherapy
            | TreatmentKind::CellTherapy
            | TreatmentKind::HairTransplant
            | TreatmentKind::Event { .. } => Delivery::Sessions,
            TreatmentKind::Custom { delivery, .. } => *delivery,
        }
    }

    /// The unit its dose must be written in.
    pub fn dose_unit(&self) -> DoseUnit {
        match self {
            TreatmentKind::Finasteride
            | TreatmentKind::Dutasteride
            | TreatmentKind::Spironolactone
            | TreatmentKind::MinoxidilOral => DoseUnit::Mg,
            TreatmentKind::MinoxidilTopical => DoseUnit::Percent,
            TreatmentKind::HairTransplant => DoseUnit::Grafts,
            TreatmentKind::CellTherapy => DoseUnit::Cells,
            _ => DoseUnit::Relative,
        }
    }

    /// The dose used when a scenario gives none: the usual clinical dose.
    pub fn default_dose(&self) -> f64 {
        match self {
            TreatmentKind::Finasteride => 1.0,
            TreatmentKind::Dutasteride => 0.5,
            TreatmentKind::Spironolactone => 100.0,
            TreatmentKind::MinoxidilTopical => 5.0,
            TreatmentKind::MinoxidilOral => 5.0,
            TreatmentKind::HairTransplant => 2000.0,
            TreatmentKind::CellTherapy => 300_000.0,
            _ => 1.0,
        }
    }

    /// Add this treatment's contribution to the inputs while it is taken, at
    /// `dose_per_day` (dose × adherence ÷ interval in days).
    pub fn add_continuous<T: Scalar>(
        &self,
        params: &Parameters<T>,
        dose_per_day: T,
        inputs: &mut Inputs<T>,
    ) {
        let zero = T::lit(0.0);
        match *self {
            TreatmentKind::Finasteride => {
                inputs.finasteride_mg_per_day = inputs.finasteride_mg_per_day + dose_per_day
            }
            TreatmentKind::Dutasteride => {
                inputs.dutasteride_mg_per_day = inputs.dutasteride_mg_per_day + dose_per_day
            }
            TreatmentKind::Spironolactone => {
                inputs.spironolactone_mg_per_day = inputs.spironolactone_mg_per_day + dose_per_day
            }
            TreatmentKind::Pregnancy => inputs.pregnancy = T::lit(1.0),
            TreatmentKind::MinoxidilTopical => {
                inputs.minoxidil_percent = inputs.minoxidil_percent + dose_per_day
            }
            TreatmentKind::MinoxidilOral => {
                // Saturating: 0.25 mg acts like 2 % topical, 5 mg like 5 %.
                let d = dose_per_day.max(zero);
                inputs.minoxidil_percent = inputs.minoxidil_percent
                    + params.minoxidil_oral_max_percent * d / (d + params.minoxidil_oral_half_mg)
            }
            // Growth factors held while applied, and the M1 baseline lowered.
            TreatmentKind::ConditionedMedia => {
                inputs.growth_factor_hold = inputs.growth_factor_hold
                    + params.conditioned_media_growth_factor * dose_per_day;
                inputs.inflammation_multiplier = inputs.inflammation_multiplier
                    * (T::lit(1.0) - params.conditioned_media_m1_drop * dose_per_day).max(zero);
            }
            TreatmentKind::Custom { target, effect, .. } => {
                let e = T::lit(effect) * dose_per_day;
                let factor = (T::lit(1.0) + e).max(zero);
                match target {
                    Target::Dht => inputs.dht_multiplier = inputs.dht_multiplier * factor,
                    Target::Inflammation => {
                        inputs.inflammation_multiplier = inputs.inflammation_multiplier * factor
                    }
                    Target::GrowthFactor => {
                        inputs.growth_factor_hold = inputs.growth_factor_hold + e
                    }
                    Target::Stimulation => inputs.stimulation_hold = inputs.stimulation_hold + e,
                }
            }
            // Session kinds contribute nothing between sessions.
            _ => {}
        }
    }

    /// Apply one session of strength `dose` (1 = standard session; grafts
    /// for a transplant) to the state.
    ///
    /// Generic so that the export records the same jumps as event assignments.
    pub fn apply_session<T: Scalar>(&self, params: &Parameters<T>, dose: T, y: &mut [T; N_STATES]) {
        let p = params;
        let (zero, one) = (T::lit(0.0), T::lit(1.0));
        // A share of the M1 activity is repolarized to M2.
        let shift_to_m2 = |y: &mut [T; N_STATES], share: T| {
            let m1 = y[ix::MACROPHAGE_M1];
            let kept = m1 * (one - share * dose).max(zero);
            y[ix::MACROPHAGE_M1] = kept;
            y[ix::MACROPHAGE_M2] = y[ix::MACROPHAGE_M2] + (m1 - kept);
        };
        let add = |y: &mut [T; N_STATES], i: usize, amount: T| y[i] = y[i] + amount;
        match *self {
            TreatmentKind::Prp => {
                add(y, ix::GROWTH_FACTOR, p.prp_growth_factor_per_session * dose);
                shift_to_m2(y, p.prp_inflammation_drop);
            }
            TreatmentKind::Exosome => {
                add(
                    y,
                    ix::GROWTH_FACTOR,
                    p.exosome_growth_factor_per_session * dose,
                );
                shift_to_m2(y, p.exosome_inflammation_drop);
            }
            TreatmentKind::Microneedling => {
                add(y, ix::HYPOXIA, p.microneedling_hypoxia_per_session * dose);
                add(
                    y,
                    ix::GROWTH_FACTOR,
                    p.microneedling_growth_factor_per_session * dose,
                );
            }
            TreatmentKind::LowLevelLaser => {
                add(y, ix::HYPOXIA, p.laser_hypoxia_per_session * dose);
            }
            TreatmentKind::Carboxytherapy => {
                add(y, ix::HYPOXIA, p.carboxytherapy_hypoxia_per_session * dose);
            }
            // The cells act fully at the reference dose and less above it
            // (Tsuboi 2020's lowest dose did best).
            TreatmentKind::CellTherapy => {
                let x = dose / p.cell_therapy_reference_cells;
                let a = p.cell_therapy_crowding;
                add(y, ix::CELL_THERAPY, x * (one + a) / (one + a * x * x));
            }
            // The grafts arrive holding their shafts, as follicles of the
            // starting native count.
            TreatmentKind::HairTransplant => {
                add(
                    y,
                    ix::GRAFT_SHEDDING,
                    dose * p.hairs_per_graft / p.follicles,
                );
            }
            TreatmentKind::Event { event } => event.apply(p, dose, y),
            TreatmentKind::Custom { target, effect, .. } => {
                let e = T::lit(effect) * dose;
                // Lowering takes away a share of the current level; raising
                // adds a flare sized on the untreated level, so sessions
                // repeated faster than the signal relaxes saturate instead of
                // compounding without bound.
                let session = |level: T, untreated: T| {
                    if effect < 0.0 {
                        level * (one + e).max(zero)
                    } else {
                        level + e * untreated
                    }
                };
                match target {
                    Target::Dht => y[ix::DHT] = session(y[ix::DHT], one),
                    Target::Inflammation => {
                        y[ix::MACROPHAGE_M1] =
                            session(y[ix::MACROPHAGE_M1], p.inflammation_baseline)
                    }
                    Target::GrowthFactor => add(y, ix::GROWTH_FACTOR, e),
                    Target::Stimulation => add(y, ix::STIMULATION, e),
                }
            }
            // Continuous kinds have no sessions.
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::names::{lookup, Named};

    #[test]
    fn every_kind_has_a_mechanism() {
        for name in TreatmentKind::names() {
            assert!(MECHANISMS.iter().any(|m| m.kind == name), "{name}");
        }
        assert!(lookup::<TreatmentKind>("minoxidil").is_err());
    }

    #[test]
    fn sessions_move_only_their_inputs() {
        let p = Parameters::default();
        let mut y = [0.0; N_STATES];
        y[ix::MACROPHAGE_M1] = 0.5;
        y[ix::MACROPHAGE_M2] = 0.4;
        TreatmentKind::Prp.apply_session(&p, 1.0, &mut y);
        assert!((y[ix::GROWTH_FACTOR] - 1.0).abs() < 1e-12);
        assert!((y[ix::MACROPHAGE_M1] - 0.5 * 0.85).abs() < 1e-12);
        // The activity moves from M1 to M2: nothing is created or destroyed.
        assert!((y[ix::MACROPHAGE_M2] - (0.4 + 0.5 * 0.15)).abs() < 1e-12);
        assert!(y[ix::STIMULATION].abs() < 1e-12);
        let before = y;
        TreatmentKind::Finasteride.apply_session(&p, 1.0, &mut y);
        assert_eq!(before, y);
    }

    #[test]
    fn targets_are_read_off_the_treatments_own_code() {
        let p = Parameters::default();
        let y = crate::steady_state::steady_state(&p, Some(0.7));
        use crate::model::structure::Direction::{Down, Up};
        assert_eq!(
            TreatmentKind::Finasteride.targets(&p, &y),
            vec![(ix::FINASTERIDE, Up)]
        );
        let prp = TreatmentKind::Prp.targets(&p, &y);
        assert!(prp.contains(&(ix::GROWTH_FACTOR, Up)), "{prp:?}");
        assert!(prp.contains(&(ix::MACROPHAGE_M1, Down)), "{prp:?}");
        assert!(prp.contains(&(ix::MACROPHAGE_M2, Up)), "{prp:?}");
        assert_eq!(
            TreatmentKind::MinoxidilOral.targets(&p, &y),
            vec![(ix::MINOXIDIL, Up)]
        );
        // Spironolactone has no state of its own (its block follows the
        // dose at once): it changes how fast follicles leave the phases DHT
        // shortens or lengthens, which a scalp without androgen sensitivity
        // does not have; every kind moves something in an AGA scalp.
        let aga = crate::profile::PROFILES
            .iter()
            .find(|p| p.name == "aga_moderate")
            .and_then(|p| p.parameters().ok())
            .expect("the aga_moderate profile");
        let y_aga = crate::steady_state::steady_state(&aga, Some(0.7));
        let spiro = TreatmentKind::Spironolactone.targets(&aga, &y_aga);
        let kenogen = crate::model::structure::CYCLE[3];
        assert!(spiro.contains(&(kenogen, Down)), "{spiro:?}");
        for kind in TreatmentKind::BUILT_IN {
            assert!(
                !kind.targets(&aga, &y_aga).is_empty(),
                "{} moves nothing",
                kind.name()
            );
            assert!(kind.mechanism().is_some(), "{}", kind.name());
        }
    }

    #[test]
    fn oral_minoxidil_maps_to_topical_equivalent() {
        let p = Parameters::default();
        let mut a = Inputs::default();
        TreatmentKind::MinoxidilOral.add_continuous(&p, 5.0, &mut a);
        assert!((a.minoxidil_percent - 5.0).abs() < 1e-4);
        let mut low = Inputs::default();
        TreatmentKind::MinoxidilOral.add_continuous(&p, 0.25, &mut low);
        assert!((low.minoxidil_percent - 2.0).abs() < 1e-3);
    }
}
