//! Model parameters: one typed struct whose field names carry their units, and a
//! table giving each parameter's unit, meaning, allowed range and source.
//!
//! Both are generated from a single list by the `parameters!` macro, so the docs
//! (`sim model`, docs/MODEL.md) can never disagree with the code. Sources are
//! from `shared/REFERENCE.md`; anything not covered there says "illustrative
//! assumption". Values are for the `healthy` reference profile; the AGA profiles
//! (see [`crate::profile`]) override a few of them.

use serde::Serialize;

/// Where a parameter's value may lie. Checked when overrides are applied.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Range {
    /// Strictly greater than zero.
    Positive,
    /// Zero or more.
    NonNegative,
    /// Between 0 and 1 inclusive.
    Fraction,
}

impl Range {
    /// Whether `v` is allowed (always false for NaN or infinities).
    pub fn contains(self, v: f64) -> bool {
        v.is_finite()
            && match self {
                Range::Positive => v > 0.0,
                Range::NonNegative => v >= 0.0,
                Range::Fraction => (0.0..=1.0).contains(&v),
            }
    }

    /// Human description used in error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Range::Positive => "a finite number > 0",
            Range::NonNegative => "a finite number ≥ 0",
            Range::Fraction => "a number from 0 to 1",
        }
    }
}

/// What the docs know about one parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParamInfo {
    /// Field name, as used in `[patient.parameters]` overrides.
    pub name: &'static str,
    /// Unit ("days", "mg", "dimensionless", …).
    pub unit: &'static str,
    /// Value in the `healthy` reference profile.
    pub default: f64,
    /// One line of meaning.
    pub meaning: &'static str,
    /// Allowed values.
    pub range: Range,
    /// Source from REFERENCE.md, or "illustrative assumption".
    pub source: &'static str,
}

macro_rules! parameters {
    ($( #[doc = $doc:literal] $name:ident : $default:expr, $unit:literal, $range:ident, $source:literal; )*) => {
        /// All model parameters. Field names carry the unit.
        ///
        /// Generic so that the equations can read them as numbers (`f64`, the
        /// default) or as symbols ([`crate::symbolic::Sym`], for export).
        #[derive(Debug, Clone, Copy, PartialEq, Serialize)]
        pub struct Parameters<T = f64> {
            $( #[doc = $doc] pub $name: T, )*
        }

        impl Default for Parameters {
            fn default() -> Self {
                Self { $( $name: $default, )* }
            }
        }

        /// The parameter table, in declaration order.
        pub const PARAMETERS: &[ParamInfo] = &[
            $( ParamInfo {
                name: stringify!($name),
                unit: $unit,
                default: $default,
                meaning: $doc,
                range: Range::$range,
                source: $source,
            }, )*
        ];

        impl Parameters<crate::symbolic::Sym> {
            /// Every parameter as a symbol named after it.
            pub fn symbolic() -> Self {
                Self { $( $name: crate::symbolic::Sym::param(stringify!($name)), )* }
            }
        }

        impl Parameters {
            /// Value of the parameter called `name`.
            pub fn get(&self, name: &str) -> Option<f64> {
                match name {
                    $( stringify!($name) => Some(self.$name), )*
                    _ => None,
                }
            }

            /// Mutable access to the parameter called `name`.
            fn slot(&mut self, name: &str) -> Option<&mut f64> {
                match name {
                    $( stringify!($name) => Some(&mut self.$name), )*
                    _ => None,
                }
            }
        }
    };
}

parameters! {
    /// Follicles on the whole scalp.
    follicles: 100_000.0, "follicles", Positive,
        "Halloy et al. 2000, PNAS 97:8328; reviews (100,000–150,000)";
    /// Follicle density of the scalp; turns fractions into hairs per cm².
    follicle_density_per_cm2: 264.0, "follicles/cm²", Positive,
        "calibrated so the healthy profile has ≈223 terminal hairs/cm² (Barman, Astore & Pecoraro 1965)";
    /// Shaft diameter of a terminal hair.
    terminal_diameter_um: 70.0, "µm", Positive,
        "dermatology texts: terminal > 60 µm (medium confidence)";
    /// Shaft diameter of a vellus (miniaturized) hair.
    vellus_diameter_um: 20.0, "µm", Positive,
        "dermatology texts: vellus < 30 µm (medium confidence)";
    /// Mean programmed anagen (growth) duration, its six stages together, before DHT and M1 inflammation shorten it.
    anagen_days: 1095.0, "days", Positive,
        "Wolfram 2003, J Am Acad Dermatol 48:S106: 3–5 years";
    /// Mean time a follicle held past its programmed anagen takes to enter catagen once nothing holds it.
    anagen_release_days: 3.0, "days", Positive,
        "illustrative assumption: short, so that minoxidil's effect on anagen vanishes within the first month of stopping (Van Neste 2020, Skin Res Technol 26:542)";
    /// Mean catagen (regression) duration.
    catagen_days: 14.0, "days", Positive,
        "textbooks: about 2–4 weeks (medium confidence)";
    /// Mean telogen (resting) duration before growth signals shorten it.
    telogen_days: 100.0, "days", Positive,
        "Wolfram 2003: 2–4 months";
    /// Mean kenogen (empty follicle) duration in a healthy scalp, averaged over all cycles.
    kenogen_days: 30.0, "days", Positive,
        "Rebora & Guarrera 2002, Dermatology 205:108 (present, short); mean over cycles is an illustrative assumption";
    /// Half-life with which scalp DHT follows a change in 5α-reductase inhibition.
    dht_half_life_days: 1.5, "days", Positive,
        "illustrative assumption (with finasteride's effect half-life, DHT recovers within ~2 weeks: label summaries, secondary)";
    /// Androgen sensitivity of the follicles at the start: scales every DHT effect (0 = insensitive scalp).
    dht_sensitivity: 0.0, "dimensionless", NonNegative,
        "illustrative assumption: 0 healthy, 0.5 / 1.0 / 1.6 for mild / moderate / severe AGA";
    /// Yearly rise of the androgen sensitivity: androgenetic alopecia spreads to more follicles with age, whatever the treatment.
    dht_sensitivity_rise_per_year: 0.0, "per year", NonNegative,
        "hypothesis (AGA spreads with age; no rate found); 0 in every shipped profile, so an educator can set it to show the spread; illustrative assumption";
    /// Relative scalp DHT at which the DHT effect is half its maximum.
    dht_ec50_relative: 0.5, "relative to untreated", Positive,
        "illustrative assumption";
    /// Hill coefficient of the DHT effect.
    dht_hill: 3.0, "dimensionless", Positive,
        "illustrative assumption";
    /// Anagen shortening at untreated DHT and sensitivity 1: anagen is divided by 1 + this.
    dht_anagen_shortening: 1.0, "dimensionless", NonNegative,
        "calibrated with the other DHT terms to Kaufman et al. 1998 (finasteride +107 hairs vs placebo at 1 year on 876); DHT shortens anagen (strong human evidence)";
    /// Kenogen lengthening at untreated DHT and sensitivity 1: kenogen is multiplied by 1 + this.
    dht_kenogen_lengthening: 2.5, "dimensionless", NonNegative,
        "calibrated to kenogen of up to ~7 months in AGA (Courtois et al. 1994; Rebora & Guarrera 2002)";
    /// Hazard, at each re-entry, that a terminal follicle not yet susceptible to DHT becomes susceptible (primed), per unit androgen sensitivity, whatever the DHT level.
    susceptibility_per_cycle: 0.028, "per cycle", NonNegative,
        "calibrated so that moderate AGA's quasi-steady terminal:vellus ratio is ≈2.3:1, below the 4:1 of AGA (Whiting 1993, secondary); that susceptibility is a property of the follicle (androgen-receptor content of the dermal papilla, higher in balding than in non-balding scalp: Hibberts, Howell & Randall 1998, J Endocrinol 156:59, human cells) and spreads slowly is a hypothesis; the rate is an illustrative assumption";
    /// Hazard that a DHT-susceptible (primed) terminal follicle miniaturizes at its next re-entry, at untreated DHT and sensitivity 1.
    dht_miniaturization_per_cycle: 3.0, "per cycle", NonNegative,
        "illustrative assumption: at untreated DHT a primed follicle miniaturizes at its next cycle (1 − e^−3 = 95%), so that kept hairs miniaturize within about a cycle of stopping a 5α-reductase inhibitor (Van Neste 2019, Skin Res Technol, PMID 31081179: 94% within 30 months; Propecia label: gain lost within 12 months); DHT drives miniaturization (strong human evidence)";
    /// M1 (pro-inflammatory) macrophage activity without treatment: the micro-inflammation index.
    inflammation_baseline: 0.4, "dimensionless index", NonNegative,
        "scaled to biopsy prevalence: ~40% of controls vs ~70% of AGA (Whiting 1993 via English & Ruiz 2021; secondary); that the infiltrate is M1-polarized is a hypothesis";
    /// M2 (reparative) macrophage activity without treatment, every profile.
    macrophage_m2_baseline: 0.4, "dimensionless index", NonNegative,
        "illustrative assumption: equal to the healthy M1 level, so that M1 outweighs M2 only in AGA (no human measurement of M1/M2 in AGA scalp: hypothesis, mouse work Castellana 2014, Wang 2019)";
    /// Half-life with which M1 and M2 activity return to their baselines after a change.
    inflammation_half_life_days: 30.0, "days", Positive,
        "illustrative assumption";
    /// Anagen shortening per unit of M1 activity: anagen is divided by 1 + this × index.
    inflammation_anagen_shortening: 0.3, "per unit index", NonNegative,
        "illustrative assumption (micro-inflammation/fibrosis associated with AGA; causal size unknown)";
    /// Miniaturization hazard per cycle per unit of M1 activity.
    inflammation_miniaturization_per_cycle: 0.01, "per cycle per unit index", NonNegative,
        "illustrative assumption";
    /// Hazard, at each re-entry, that a miniaturized follicle that is not restored loses its stem-cell niche, at untreated DHT and sensitivity 1.
    niche_loss_dht_per_cycle: 0.05, "per cycle", NonNegative,
        "illustrative assumption (no published rate); hypothesis from human histology: the arrector pili muscle is replaced by fat in every AGA specimen, most around small follicles (Torkamani et al. 2014, Br J Dermatol 170:1291), and loses contact with the bulge of miniaturized follicles in AGA but not in alopecia areata (Yazdabadi et al. 2012, Int J Trichology 4:154); only miniaturized follicles lose it (Sinclair et al. 2015)";
    /// Hazard, at each re-entry, that a miniaturized follicle that is not restored loses its niche, per unit of M1 activity above M2.
    niche_loss_m1_per_cycle: 0.1, "per cycle per unit index", NonNegative,
        "hypothesis (chronic M1 inflammation erodes the niche: clinic claim; M1/M2 in human AGA never measured; perifollicular inflammation and fibrosis in ~70% of AGA biopsies, Whiting 1993, secondary); illustrative assumption";
    /// Rate at which a follicle whose niche is lost leaves kenogen, relative to one whose niche is intact in the same scalp untreated (a treatment does not speed it: the signals reach the stem cells through the niche).
    niche_lost_entry_factor: 0.5, "dimensionless", Positive,
        "animal: without the sympathetic nerve that the arrector pili muscle anchors, hair-follicle stem cells fall into deep quiescence (Shwartz et al. 2020, Cell 182:578, mouse); size, and that treatments do not reach them, illustrative assumptions";
    /// Hazard, at each attempted re-entry, that a follicle whose niche is lost drops out for good (fibrosis, replaced by fat).
    niche_lost_dropout_per_cycle: 0.15, "per cycle", NonNegative,
        "illustrative assumption (no published rate); loss is likely irreversible once the muscle has detached from every follicle of the unit (Sinclair, Torkamani & Jones 2015, hypothesis from human histology)";
    /// Hazard that a miniaturized follicle returns to terminal at a new cycle, untreated.
    restoration_per_cycle: 0.03, "per cycle", NonNegative,
        "calibrated so the healthy terminal:vellus ratio is ≈7:1 (Whiting 1993, secondary)";
    /// Half-life of finasteride's effect on 5α-reductase after the last dose.
    finasteride_effect_half_life_days: 1.5, "days", Positive,
        "calibrated: serum DHT back to baseline about 2 weeks after stopping (label summaries, secondary); plasma half-life is 5–6 h";
    /// Maximum fraction of scalp DHT that finasteride removes.
    finasteride_max_inhibition: 0.68, "fraction", Fraction,
        "Drake et al. 1999, J Am Acad Dermatol 41:550: scalp DHT −64% at 1 mg";
    /// Daily finasteride dose giving half the maximum inhibition.
    finasteride_ic50_mg: 0.05, "mg/day", Positive,
        "Drake et al. 1999: 0.2 mg already near maximal (fitted)";
    /// Half-life of dutasteride's effect after the last dose.
    dutasteride_effect_half_life_days: 35.0, "days", Positive,
        "label summaries: half-life about 5 weeks";
    /// Explicit PK only: half-life of finasteride absorption from the gut.
    finasteride_absorption_half_life_days: 0.02, "days", Positive,
        "illustrative assumption (≈30 min, consistent with peak plasma levels 1–2 h after a tablet; label summaries, secondary)";
    /// Explicit PK only: plasma elimination half-life of finasteride.
    finasteride_plasma_half_life_days: 0.23, "days", Positive,
        "label summaries (secondary): plasma half-life 5–6 h";
    /// Explicit PK only: half-life of dutasteride absorption from the gut.
    dutasteride_absorption_half_life_days: 0.04, "days", Positive,
        "illustrative assumption (≈1 h, consistent with peak plasma levels 2–3 h after a capsule)";
    /// Explicit PK only: plasma elimination half-life of dutasteride.
    dutasteride_plasma_half_life_days: 35.0, "days", Positive,
        "label summaries: half-life about 5 weeks";
    /// Explicit PK only: half-life of the 5α-reductase effect compartment that follows plasma, both drugs.
    pk_effect_half_life_days: 1.5, "days", Positive,
        "illustrative assumption (enzyme turnover; equals finasteride_effect_half_life_days so the default and explicit finasteride curves agree)";
    /// Maximum fraction of DHT that dutasteride removes.
    dutasteride_max_inhibition: 0.98, "fraction", Fraction,
        "Clark et al. 2004, J Clin Endocrinol Metab: serum DHT −98% at 5 mg";
    /// Daily dutasteride dose giving half the maximum inhibition.
    dutasteride_ic50_mg: 0.016, "mg/day", Positive,
        "Clark et al. 2004: −95% at 0.5 mg (fitted)";
    /// Half-life with which minoxidil's effect builds and fades.
    minoxidil_effect_half_life_days: 3.0, "days", Positive,
        "illustrative assumption: effects vanish within the first month of stopping (Van Neste 2020, Skin Res Technol 26:542); plasma half-life of topical minoxidil about a day";
    /// Topical concentration giving half of minoxidil's maximum effect.
    minoxidil_ec50_percent: 4.0, "%", Positive,
        "fitted so the Emax effect ratio 5%:2% equals the net-effect ratio at 48 weeks (14.7:8.8, Olsen et al. 2002); the model's hair-count ratio comes out lower (≈1.45)";
    /// Largest topical-equivalent concentration an oral dose reaches: a daily dose d mg acts as `minoxidil_oral_max_percent` · d / (d + `minoxidil_oral_half_mg`) % topical.
    minoxidil_oral_max_percent: 5.4286, "%", Positive,
        "calibrated with `minoxidil_oral_half_mg` through two trials: oral 5 mg ≈ topical 5 % (Penha et al. 2024, JAMA Dermatol; men) and oral 0.25 mg ≈ topical 2 % (Vahabi-Amlashi et al. 2021, Dermatol Ther; 72 women, 9 months); the saturating shape is an assumption";
    /// Oral dose reaching half of `minoxidil_oral_max_percent`.
    minoxidil_oral_half_mg: 0.4286, "mg/day", Positive,
        "calibrated with `minoxidil_oral_max_percent` (Penha et al. 2024; Vahabi-Amlashi et al. 2021)";
    /// Anagen prolongation at full minoxidil effect: follicles are held past their programmed anagen for this share of it (released when minoxidil stops).
    minoxidil_anagen_prolongation: 0.4, "dimensionless", NonNegative,
        "calibrated so that 5% minoxidil adds ≈14.7 hairs/cm² over untreated at 48 weeks (Olsen et al. 2002, net of placebo); mechanism: Messenger & Rundegren 2004 (animal and cell work)";
    /// Anagen entry of empty follicles at full minoxidil effect: kenogen is divided by 1 + this.
    minoxidil_anagen_entry: 1.2, "dimensionless", NonNegative,
        "illustrative assumption; mechanism: Messenger & Rundegren 2004 (animal and cell work)";
    /// Telogen shortening at full minoxidil effect: telogen is divided by 1 + this (club hairs shed early).
    minoxidil_telogen_shortening: 1.2, "dimensionless", NonNegative,
        "illustrative assumption; mechanism: Messenger & Rundegren 2004 (animal work); early shedding: clinical reports (low confidence)";
    /// Restoration hazard added at full minoxidil effect.
    minoxidil_restoration_per_cycle: 0.02, "per cycle", NonNegative,
        "illustrative assumption";
    /// Half-life of the growth-factor signal after a session.
    growth_factor_half_life_days: 21.0, "days", Positive,
        "illustrative assumption";
    /// Growth-factor level giving half its maximum effect.
    growth_factor_ec50: 0.5, "dimensionless", Positive,
        "illustrative assumption";
    /// Anagen prolongation at full growth-factor effect: the programmed anagen is multiplied by 1 + this.
    growth_factor_anagen_prolongation: 1.0, "dimensionless", NonNegative,
        "illustrative assumption (VEGF and other factors; cell and animal work)";
    /// Anagen entry of empty follicles at full growth-factor effect: kenogen is divided by 1 + this.
    growth_factor_anagen_entry: 2.0, "dimensionless", NonNegative,
        "illustrative assumption";
    /// Telogen shortening at full growth-factor effect.
    growth_factor_telogen_shortening: 0.3, "dimensionless", NonNegative,
        "illustrative assumption (kept small: heavy shedding after PRP is not a typical report)";
    /// Restoration hazard added at full growth-factor effect.
    growth_factor_restoration_per_cycle: 0.03, "per cycle", NonNegative,
        "illustrative assumption";
    /// Half-life of the stimulation / hypoxia signal after a session.
    stimulation_half_life_days: 2.0, "days", Positive,
        "illustrative assumption (HIF-1α pulse; mechanistic hypothesis)";
    /// Stimulation level giving half its maximum effect.
    stimulation_ec50: 0.5, "dimensionless", Positive,
        "illustrative assumption";
    /// Anagen prolongation at full stimulation effect: the programmed anagen is multiplied by 1 + this.
    stimulation_anagen_prolongation: 0.6, "dimensionless", NonNegative,
        "illustrative assumption";
    /// Anagen entry of empty follicles at full stimulation effect: kenogen is divided by 1 + this.
    stimulation_anagen_entry: 1.5, "dimensionless", NonNegative,
        "illustrative assumption (hypoxia / HIF-1α hypothesis; cell and animal work)";
    /// Telogen shortening at full stimulation effect.
    stimulation_telogen_shortening: 0.3, "dimensionless", NonNegative,
        "illustrative assumption";
    /// Restoration hazard added at full stimulation effect.
    stimulation_restoration_per_cycle: 0.02, "per cycle", NonNegative,
        "illustrative assumption";
    /// Growth-factor signal added by one standard PRP session (defines the unit).
    prp_growth_factor_per_session: 1.0, "dimensionless", NonNegative,
        "unit definition; effect size calibrated loosely to Kieling et al. 2024 (low-medium confidence)";
    /// Fraction of M1 activity shifted to M2 by one PRP session.
    prp_inflammation_drop: 0.15, "fraction", Fraction,
        "illustrative assumption (M1→M2 shift is a hypothesis in human AGA; clinic claim)";
    /// Growth-factor signal added by one exosome session.
    exosome_growth_factor_per_session: 0.8, "dimensionless", NonNegative,
        "speculative: only small uncontrolled human studies";
    /// Fraction of M1 activity shifted to M2 by one exosome session.
    exosome_inflammation_drop: 0.3, "fraction", Fraction,
        "speculative: only small uncontrolled human studies";
    /// Hypoxia signal of one microneedling session (micro-injury interrupting blood flow).
    microneedling_hypoxia_per_session: 1.0, "dimensionless", NonNegative,
        "illustrative assumption (wound-healing / hypoxia hypothesis)";
    /// Growth-factor signal released by one microneedling session (wound healing).
    microneedling_growth_factor_per_session: 0.3, "dimensionless", NonNegative,
        "illustrative assumption";
    /// Hypoxia signal of one low-level laser session (a shift in the redox balance read as hypoxia).
    laser_hypoxia_per_session: 1.0, "dimensionless", NonNegative,
        "calibrated loosely to +18 to +26 terminal hairs/cm² at 26 weeks (Jimenez et al. 2014)";
    /// Half-life of the hypoxia signal after a session.
    hypoxia_half_life_days: 0.5, "days", Positive,
        "illustrative assumption (a short local hypoxia: microneedling's micro-injury, CO₂ displacing oxygen, laser's redox shift; seed 001, mechanistic hypothesis)";
    /// Rate at which HIF-1α activity (stimulation) follows the hypoxia signal, per day.
    hif_activation_per_day: 1.4, "per day", Positive,
        "illustrative assumption (HIF-1α is stabilized within hours of hypoxia; cell work, hypothesis in scalp), set so that one session's HIF-1α pulse equals the stimulation pulse the sessions gave before hypoxia was modelled";
    /// VEGF / growth factor made per unit of HIF-1α activity, per day.
    hif_growth_factor_per_day: 0.05, "per day", NonNegative,
        "illustrative assumption (HIF-1α induces VEGF: cell and animal work; size calibrated with the session strengths to Dhurat 2013 and Jimenez 2014)";
    /// Dermal sheath cup cells of the reference injection (the dose at which the cells act fully).
    cell_therapy_reference_cells: 300_000.0, "cells", Positive,
        "Tsuboi et al. 2020, J Am Acad Dermatol 83:109: the lowest dose, 3.0 × 10⁵ cells, was the only one to beat placebo";
    /// How fast the cells' effect falls at doses above the reference (x(1+a)/(1+a x²) with x = dose / reference).
    cell_therapy_crowding: 1.0, "dimensionless", NonNegative,
        "illustrative assumption reproducing only the ranking of Tsuboi et al. 2020 (1.5 × 10⁶ and 7.5 × 10⁶ cells not significant; mechanism unknown)";
    /// Half-life of the injected cells' activity.
    cell_therapy_half_life_days: 60.0, "days", Positive,
        "calibrated so that the gain peaks at 6–9 months and is gone by 12 (Tsuboi et al. 2020: \"temporary until 9 months\")";
    /// Cell activity giving half the cells' maximum effect.
    cell_therapy_ec50: 0.5, "dimensionless", Positive,
        "illustrative assumption";
    /// Anagen entry of empty follicles at full cell effect: kenogen is divided by 1 + this.
    cell_therapy_anagen_entry: 1.0, "dimensionless", NonNegative,
        "calibrated to a small, temporary density gain (Tsuboi et al. 2020: total density and cumulative diameter up at 6 and 9 months, mean diameter unchanged; effect size in hairs/cm² not published)";
    /// Telogen shortening at full cell effect.
    cell_therapy_telogen_shortening: 0.3, "dimensionless", NonNegative,
        "illustrative assumption";
    /// Restoration hazard added at full cell effect (miniaturized follicles regain size).
    cell_therapy_restoration_per_cycle: 0.02, "per cycle", NonNegative,
        "illustrative assumption, kept small: mean diameter unchanged after one injection (Tsuboi et al. 2020), +2.2 % after two (Harada et al. 2023, J Dermatol)";
    /// Growth-factor level held by conditioned medium applied daily at the reference strength.
    conditioned_media_growth_factor: 1.5, "dimensionless", NonNegative,
        "calibrated with growth_factor_growth_speed to the +19.5 % growth speed at 16 weeks of a topical umbilical-cord-blood MSC conditioned medium twice daily (Oh et al. 2020, Cells 9:1344; small RCT, industry authors); density comes out +10 % against the +14 % published (the growth factor's effect saturates)";
    /// Share by which conditioned medium lowers the M1 baseline (its anti-inflammatory, M2-like effect).
    conditioned_media_m1_drop: 0.3, "fraction", Fraction,
        "hypothesis (seed 003: conditioned media polarize macrophages to M2; mouse: MSC-CM + finasteride lowered inflammation, Kamali-Dolat Abadi et al. 2023); illustrative assumption";
    /// Hypoxia signal of one carboxytherapy (CO₂ injection) session.
    carboxytherapy_hypoxia_per_session: 1.0, "dimensionless", NonNegative,
        "calibrated loosely: density up over 3 monthly-followed months, regressing after stopping, more than six sessions needed (Doghaim et al. 2018, J Cosmet Dermatol; numbers not in the abstract)";
    /// Hairs per transplanted follicular unit (graft).
    hairs_per_graft: 2.0, "hairs per graft", Positive,
        "Guo et al. 2017, Plast Aesthet Res 4:150: 1.93 hairs per follicular unit measured (1–4 typical, Headington 1984)";
    /// Androgen sensitivity of transplanted follicles: scales DHT's effects on their cycle and niche (0 = donor dominance); grafts are never primed, so DHT does not miniaturize them.
    graft_dht_sensitivity: 0.0, "dimensionless", NonNegative,
        "donor dominance: grafts keep the DHT-insensitivity of the occipital donor region (Orentreich 1959, Ann N Y Acad Sci 83:463; pigment kept 10 years, Dinh et al. 2008)";
    /// Mean time from surgery until a grafted shaft is shed (the grafts enter telogen).
    graft_shedding_days: 18.0, "days", Positive,
        "illustrative assumption from clinic timelines: transplanted shafts shed between weeks 2 and 8, mostly 2–4 (low confidence, no primary study found)";
    /// Mean rest of a shed graft before its first anagen, its three resting stages together.
    graft_resting_days: 120.0, "days", Positive,
        "illustrative assumption: regrowth from about month 3 (clinic timelines, low confidence; consistent with 112–139 days to regrow a plucked scalp hair, Myers & Hamilton 1951)";
    /// Mean time a graft's first regrown shaft takes to reach terminal thickness.
    graft_maturation_days: 150.0, "days", Positive,
        "illustrative assumption: the result matures over 10–12 months (clinic timelines, low confidence)";
    /// Shaft diameter of a graft's first regrown hair, before it matures.
    graft_regrowing_diameter_um: 40.0, "µm", Positive,
        "illustrative assumption (between vellus and terminal: regrown hairs start fine and thicken)";
    /// Share of grafts whose arrector pili muscle re-attaches to the bulge (and so survive) when M1 does not outweigh M2.
    graft_reattachment: 0.9, "fraction", Fraction,
        "hypothesis (seed 000: re-attachment of the arrector pili muscle decides long-term graft survival; mouse grafts re-form APM and nerve connections, Sato et al. 2012, J Dermatol 39:682); value: reported survival 90 % to over 100 % (Parsley & Perez-Meza 2010, review)";
    /// Hazard that a graft fails to re-attach, per unit of M1 activity above M2 (M1 inflammation hinders re-attachment).
    graft_detachment_m1: 0.3, "per unit index", NonNegative,
        "hypothesis (seed 000: M2 polarization helps re-attachment; clinic claim, no human measurement); illustrative assumption";
    /// Shaft growth speed of a terminal anagen hair.
    terminal_growth_mm_per_day: 0.36, "mm/day", Positive,
        "Myers & Hamilton 1951 (secondary, via keratin.com): 0.30–0.41 mm/day in adults; thick hairs grow faster (Wolfram 2003)";
    /// Shaft growth speed of a vellus (miniaturized) anagen hair.
    vellus_growth_mm_per_day: 0.2, "mm/day", Positive,
        "illustrative assumption, so that an AGA scalp grows ≈0.29–0.31 mm/day (0.285 measured, Korean J Dermatol 2019;57:251) and thin hairs grow slower (Wolfram 2003, secondary)";
    /// Growth-speed gain at full growth-factor effect: anagen shafts grow 1 + this times faster.
    growth_factor_growth_speed: 0.25, "dimensionless", NonNegative,
        "calibrated to the +19.5 % growth rate after 16 weeks of conditioned medium (Oh et al. 2020, Cells 9:1344, small industry RCT); mechanism: growth factors (cell work)";
    /// Oestrogen signal the profile's scalp rests at (1 = a premenopausal woman; 0 in the male and `healthy` profiles).
    oestrogen_baseline: 0.0, "relative to a premenopausal woman", NonNegative,
        "hypothesis (seed 002: falling oestrogen thins women's hair; 17β-oestradiol inhibits cultured human follicles, Lynfield 1960 and textbooks: the hormone that holds anagen is uncertain); illustrative assumption";
    /// Half-life of the oestrogen signal's return to its baseline.
    oestrogen_half_life_days: 3.0, "days", Positive,
        "illustrative assumption: oestradiol falls to non-pregnant levels within days of delivery (textbooks)";
    /// Anagen-programme lengthening at full oestrogen effect (Emax, EC50 `oestrogen_ec50`).
    oestrogen_anagen_prolongation: 0.5, "dimensionless", NonNegative,
        "hypothesis (seed 002: oestrogen supports anagen; direction uncertain in cell work); illustrative assumption, so that a postmenopausal scalp thins faster";
    /// Oestrogen signal giving half its anagen lengthening.
    oestrogen_ec50: 1.0, "relative to a premenopausal woman", Positive,
        "illustrative assumption";
    /// Oestrogen signal during pregnancy.
    pregnancy_oestrogen: 10.0, "relative to a premenopausal woman", NonNegative,
        "illustrative assumption (oestradiol rises tens-fold by late pregnancy; the effect saturates, so only ≫ 1 matters)";
    /// Anagen hold at full pregnancy-level oestrogen: follicles stay in anagen past their programme for this share of it (Hill of order 4 on the signal, half-effect at `oestrogen_hold_ec50`).
    oestrogen_anagen_hold: 0.2, "dimensionless", NonNegative,
        "calibrated to anagen ≈ 95 % in late pregnancy (Lynfield 1960, J Invest Dermatol 35:323, secondary); the holding hormone is uncertain";
    /// Oestrogen signal giving half the pregnancy hold (steep, so a non-pregnant woman's signal holds almost nothing).
    oestrogen_hold_ec50: 4.0, "relative to a premenopausal woman", Positive,
        "illustrative assumption";
    /// Share of the anagen follicles a fever or severe illness pushes out of anagen at once (immediate anagen release), at severity 1.
    fever_anagen_release: 0.25, "fraction", Fraction,
        "illustrative assumption: no published share found; chosen so that peak shedding is ≥ 2× baseline (TE 125.5 vs 27.9 hairs/day in a wash test, Li et al. 2022, Clin Cosmet Investig Dermatol 15:117)";
    /// Share of the anagen follicles major psychological stress pushes out of anagen, at severity 1.
    stress_anagen_release: 0.15, "fraction", Fraction,
        "illustrative assumption (no published share; smaller than a fever's)";
    /// Share of the anagen follicles a crash diet pushes out of anagen over its first two months, at severity 1 (in four fortnightly steps).
    crash_diet_anagen_release: 0.3, "fraction", Fraction,
        "illustrative assumption: telogen counts of 25–50 % against ≈ 13 % normal after crash diets (Goette & Odom 1976, JAMA, 9 patients)";
    /// Share of the follicles held in anagen (by pregnancy's oestrogen) released at delivery.
    childbirth_held_release: 1.0, "fraction", Fraction,
        "illustrative assumption: every follicle pregnancy held is released at delivery (Lynfield 1960, secondary: anagen ≈ 95 % late in pregnancy and for about a week after birth, ≈ 76 % by 6 weeks)";
    /// Share of the anagen follicles a delivery pushes out of anagen besides the held ones (immediate anagen release, at severity 1).
    childbirth_anagen_release: 0.08, "fraction", Fraction,
        "calibrated, with `childbirth_held_release`, to anagen ≈ 76 % by 6 weeks postpartum from ≈ 95 % late in pregnancy (Lynfield 1960, J Invest Dermatol 35:323, secondary)";
    /// Mean time from a shedding event to the shedding of the released club hairs (catagen and telogen together, in the released stages).
    released_telogen_days: 100.0, "days", Positive,
        "calibrated to onset of shedding 6–13 weeks after a fever (median 45 days–2 months after COVID-19, Abrantes et al. 2021 JAAD 85:975, Rossi et al. 2021 Skin Appendage Disord 7:377; 2–4 months, Kligman 1961)";
    /// Largest share of androgen signalling spironolactone blocks at the receptor.
    spironolactone_max_block: 0.5, "fraction", Fraction,
        "illustrative assumption, calibrated loosely to an uncontrolled series: 44 % regrowth, 44 % no change, 12 % loss at ≥ 12 months (Sinclair, Wewerinke & Jolley 2005, Br J Dermatol 152:466)";
    /// Spironolactone dose giving half its maximum block.
    spironolactone_ic50_mg: 50.0, "mg/day", Positive,
        "illustrative assumption (doses used in FPHL: 25–200 mg/day)";
}

/// Why an override was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamError {
    /// No parameter has that name.
    #[error("unknown parameter `{name}`")]
    Unknown {
        /// The name as written.
        name: String,
    },
    /// The value is outside the parameter's range.
    #[error("parameter `{name}` = {value} is out of range: it must be {expected}")]
    OutOfRange {
        /// Parameter name.
        name: String,
        /// The value given.
        value: f64,
        /// What would be valid.
        expected: &'static str,
    },
}

/// Look up a parameter's documentation.
pub fn info(name: &str) -> Option<&'static ParamInfo> {
    PARAMETERS.iter().find(|p| p.name == name)
}

impl Parameters {
    /// Set one parameter by name, checking its range.
    pub fn set(&mut self, name: &str, value: f64) -> Result<(), ParamError> {
        let meta = info(name).ok_or_else(|| ParamError::Unknown {
            name: name.to_string(),
        })?;
        if !meta.range.contains(value) {
            return Err(ParamError::OutOfRange {
                name: name.to_string(),
                value,
                expected: meta.range.describe(),
            });
        }
        match self.slot(name) {
            Some(slot) => {
                *slot = value;
                Ok(())
            }
            None => Err(ParamError::Unknown {
                name: name.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_struct() {
        let p = Parameters::default();
        for meta in PARAMETERS {
            let v = p.get(meta.name).unwrap();
            assert!((v - meta.default).abs() < 1e-12, "{}", meta.name);
            assert!(
                meta.range.contains(v),
                "default of {} out of range",
                meta.name
            );
            assert!(!meta.meaning.trim().is_empty());
            assert!(!meta.source.trim().is_empty());
        }
    }

    #[test]
    fn every_parameter_names_a_source_or_says_illustrative() {
        for meta in PARAMETERS {
            let s = meta.source.to_lowercase();
            let cited = s.chars().any(|c| c.is_ascii_digit()) || s.contains("illustrative");
            assert!(
                cited
                    || s.contains("speculative")
                    || s.contains("unit definition")
                    || s.contains("textbooks")
                    || s.contains("label"),
                "{}: {}",
                meta.name,
                meta.source
            );
        }
    }

    #[test]
    fn set_checks_name_and_range() {
        let mut p = Parameters::default();
        p.set("anagen_days", 900.0).unwrap();
        assert!((p.anagen_days - 900.0).abs() < 1e-12);
        assert!(matches!(
            p.set("anagen_dayz", 1.0),
            Err(ParamError::Unknown { .. })
        ));
        assert!(matches!(
            p.set("anagen_days", -1.0),
            Err(ParamError::OutOfRange { .. })
        ));
        assert!(matches!(
            p.set("anagen_days", f64::NAN),
            Err(ParamError::OutOfRange { .. })
        ));
        assert!(matches!(
            p.set("finasteride_max_inhibition", 1.5),
            Err(ParamError::OutOfRange { .. })
        ));
    }
}
