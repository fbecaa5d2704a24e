//! Every string a person reads in a report or a chart, in one message table
//! per language (`en.rs`, `ja.rs`), looked up by a typed [`Key`].
//!
//! A message is a template: `{name}` stands for a value filled in by
//! [`Lang::fill`]. The tests check that both tables hold every key exactly
//! once and that a key's placeholders are the same in both languages, so a
//! translation can never lose a value. Model identifiers (state, parameter and
//! treatment names) that have no entry are shown as they are: a state added
//! to the model appears on the mechanism map before anyone translates it.

mod en;
mod ja;

use crate::units::{DAYS_PER_MONTH, DAYS_PER_YEAR};
use serde::Serialize;

/// A language of the report and the charts (`--lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Japanese (the seeds' clinic columns are read in Japanese).
    Ja,
}

impl Lang {
    /// Every language.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ja];

    /// Name on the command line and in `<html lang>`.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    fn table(self) -> &'static [(Key, &'static str)] {
        match self {
            Lang::En => en::TABLE,
            Lang::Ja => ja::TABLE,
        }
    }

    /// The message for `key` (English if the table lacks it, which the tests
    /// forbid).
    pub fn get(self, key: Key) -> &'static str {
        let find = |lang: Lang| lang.table().iter().find(|(k, _)| *k == key);
        find(self)
            .or_else(|| find(Lang::En))
            .map_or_else(|| key.name(), |(_, text)| text)
    }

    /// The message for `key` with each `{name}` replaced by its value in `args`.
    pub fn fill(self, key: Key, args: &[(&str, &str)]) -> String {
        fill(self.get(key), args)
    }

    /// A model identifier (`dht`, `finasteride_exposure`, a treatment kind) in
    /// words: its entry in the table under `Model` keys when there is one,
    /// else the identifier with spaces for underscores.
    pub fn identifier(self, id: &str) -> String {
        match Key::for_identifier(id) {
            Some(k) => self.get(k).to_string(),
            None => id.replace('_', " "),
        }
    }
}

impl Lang {
    /// The chart and file footer: the short label, the scenario and the
    /// version (in English exactly [`crate::label::footer`]).
    pub fn footer(self, scenario: &str) -> String {
        self.fill(
            Key::Footer,
            &[
                ("label", self.get(Key::LabelShort)),
                ("scenario", scenario),
                ("version", crate::label::VERSION),
            ],
        )
    }

    /// A count of a unit, singular or plural.
    fn count(self, n: f64, one: Key, many: Key, decimals: usize) -> String {
        let text = format!("{n:.decimals$}");
        let key = if (n - 1.0).abs() < 1e-9 { one } else { many };
        self.fill(key, &[("n", &text)])
    }

    /// A readable name for an endpoint time: "6 months", "12 weeks", "45 days"
    /// (months from two months on when near a whole month).
    pub fn time(self, days: f64) -> String {
        let months = days / DAYS_PER_MONTH;
        let whole = months.round();
        if days >= 2.0 * DAYS_PER_MONTH - 3.0 && (months - whole).abs() < 0.1 {
            return self.count(whole, Key::Month, Key::Months, 0);
        }
        let weeks = days / 7.0;
        if (weeks - weeks.round()).abs() < 1e-6 && weeks >= 1.0 {
            return self.count(weeks.round(), Key::Week, Key::Weeks, 0);
        }
        if months >= 1.0 {
            self.count(months, Key::Month, Key::Months, 1)
        } else {
            self.count(days.round(), Key::Day, Key::Days, 0)
        }
    }

    /// A duration as a schedule is written: whole years, months or weeks when
    /// it is one, else days ([`crate::units::describe_days`] in words).
    pub fn duration(self, days: f64) -> String {
        let near = |x: f64| (x - x.round()).abs() < 1e-6;
        let (years, months, weeks) = (days / DAYS_PER_YEAR, days / DAYS_PER_MONTH, days / 7.0);
        if days >= DAYS_PER_YEAR && near(years) {
            self.count(years.round(), Key::Year, Key::Years, 0)
        } else if days >= DAYS_PER_MONTH && near(months) {
            self.count(months.round(), Key::Month, Key::Months, 0)
        } else if days >= 7.0 && near(weeks) {
            self.count(weeks.round(), Key::Week, Key::Weeks, 0)
        } else {
            let d = (days * 100.0).round() / 100.0;
            let text = d.to_string();
            let key = if d == 1.0 { Key::Day } else { Key::Days };
            self.fill(key, &[("n", &text)])
        }
    }
}

/// `template` with each `{name}` replaced by its value in `args`; unknown
/// names are left as written.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholders of a template, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

/// The keys: one line each; `ident = "model_identifier"` also makes the key
/// the words for that identifier ([`Lang::identifier`]).
macro_rules! keys {
    ($($key:ident $(= $id:literal)?),+ $(,)?) => {
        /// A message of the tables.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Key { $( #[allow(missing_docs)] $key, )+ }

        impl Key {
            /// Every key.
            pub const ALL: &'static [Key] = &[$(Key::$key,)+];

            /// The key's name (for tests and missing-entry fallbacks).
            pub fn name(self) -> &'static str {
                match self { $(Key::$key => stringify!($key),)+ }
            }

            /// The key that words a model identifier, if any.
            fn for_identifier(id: &str) -> Option<Key> {
                $( $( if id == $id { return Some(Key::$key); } )? )+
                None
            }
        }
    };
}

keys! {
    // The label.
    LabelShort, LabelFull, Footer,
    // Chart titles.
    TitleHairCount, TitlePhases, TitleShedding, TitleSignals, TitleEndpoints, TitleSummary,
    TitleResponders, TitleHairQuality,
    // Chart text.
    AxisTimeMonths, AxisTimeYears, AxisHairCountPct, AxisTimeSinceStart, AxisHairCountChange, AxisFollicles,
    AxisShedding, AxisArms, AxisResponders,
    SubtitleHairCount, SubtitlePhases, SubtitleShedding, SubtitleSignals, SubtitleEndpoints,
    SubtitleResponders, BandCaption, BandWhatHairCount, BandWhatShedding,
    StartLevel, LaneHead, NoTreatment, NoEndpoint, NoPhaseValues, NoPopulation, AllArmsCoincide,
    ArmNumber, AtTime, PhaseShare, InWeek, AtMonthsDecimal, ShedPeak,
    PanelHairCount, PanelHairCountNote, PanelShedding, PanelSheddingNote, PanelEndpoints,
    PanelEndpointsNote,
    SignalDhtTitle, SignalInflammationTitle, SignalGrowthFactorTitle, SignalStimulationTitle,
    UnitDht, UnitDhtShort, UnitIndex,
    // The hair-quality chart.
    SubtitleHairQuality, QualityGrowthSpeedTitle, QualityGrowthSpeedUnit, QualityHairMassTitle,
    QualityHairMassUnit, QualityNativeHairsTitle, QualityNativeHairsUnit, QualityGraftHairsTitle,
    QualityGraftHairsUnit, QualityDiameterTitle, QualityDensityTitle, QualityDensityUnit,
    UnitMmPerDay, UnitIndexShort, UnitHairs, UnitMicrometre, UnitHairsPerCm2,
    // The follicle chart and pictures (`sim follicles`).
    FolliclesTitle, FolliclesSubtitle, FolliclesPanelAnagen, FolliclesPanelTerminal,
    FolliclesAxisShare,
    FollicleMapTitle, FolliclePatchTitle, FollicleDate, FollicleMapCaption, FolliclePatchCaption,
    FolliclePatchDate, LookTerminal, LookMiniaturized, LookEmpty, LookLost, LookGraft, LookClub,
    TrialTitle, TrialSubtitle, TrialWholeScalp, TrialPublishedSd, TrialPanelCount, TrialAxisCount,
    TrialPanelSd, TrialBarSimulated, TrialBar, TrialBarShort,
    // Durations.
    Day, Days, Week, Weeks, Month, Months, Year, Years,
    // Phases, long (legend) and short.
    AnagenLong, CatagenLong, TelogenLong, KenogenLong,
    // Model identifiers in words.
    StateAnagen = "anagen", StateCatagen = "catagen", StateTelogen = "telogen",
    StateKenogen = "kenogen", StateTerminal = "terminal_fraction", StateDht = "dht",
    StateFinasterideExposure = "finasteride_exposure",
    StateDutasterideExposure = "dutasteride_exposure", StateGrowthFactor = "growth_factor",
    StateStimulation = "stimulation", StateMinoxidilExposure = "minoxidil_exposure",
    StateInflammation = "inflammation", StateMacrophageM1 = "macrophage_m1",
    StateMacrophageM2 = "macrophage_m2", StateNiche = "niche_intact", StateNicheLost = "niche_lost",
    StateFolliclesLost = "follicles_lost", StateAndrogenSensitivity = "androgen_sensitivity",
    StateHypoxia = "hypoxia", StateCellTherapy = "cell_therapy_activity",
    // A transplant fills only the grafts' first compartment (they are all 0
    // at the map's reference state), so that box stands for the population.
    StateGrafts = "graft_shedding",
    // A shedding event fills only the first released stage, which stands for the chain.
    StateReleased = "released_1", StateOestrogen = "oestrogen",
    KindFinasteride = "finasteride", KindDutasteride = "dutasteride",
    KindMinoxidilTopical = "minoxidil_topical", KindMinoxidilOral = "minoxidil_oral",
    KindPrp = "prp", KindExosome = "exosome", KindMicroneedling = "microneedling",
    KindLowLevelLaser = "low_level_laser", KindCarboxytherapy = "carboxytherapy",
    KindConditionedMedia = "conditioned_media", KindCellTherapy = "cell_therapy",
    KindHairTransplant = "hair_transplant", KindCustom = "custom",
    KindSpironolactone = "spironolactone", KindPregnancy = "pregnancy", KindFever = "fever",
    KindStress = "stress", KindCrashDiet = "crash_diet", KindChildbirth = "childbirth",
    ProfileHealthy = "healthy", ProfileAgaMild = "aga_mild",
    ProfileAgaModerate = "aga_moderate", ProfileAgaSevere = "aga_severe",
    ProfileHealthyFemale = "healthy_female", ProfileFphlMild = "fphl_mild",
    ProfileFphlModerate = "fphl_moderate", ProfileFphlPostmenopausal = "fphl_postmenopausal",
    // Evidence grades.
    EvidenceStrong, EvidenceMedium, EvidenceLowMedium, EvidenceLow, EvidenceSpeculative,
    EvidenceAssumed,
    // The report's frame.
    WhatIfTable, MapInWords,
    ReportTitle, ReportLead, Contents, SkipToContent, GeneratedBy,
    SecScenario, SecMap, SecExplore, SecWhatIf, SecCharts, SecEndpoints, SecNarrative,
    SecCohort, SecEvidence, SecReproduce,
    // The scenario in words.
    ScenarioDuration, ScenarioPatient, ScenarioPatientStart, ScenarioArms, ArmUntreated,
    ArmOwnProfile, TreatContinuous, TreatSessionsCount, TreatSessionsOpen, TreatUntil,
    TreatAdherence, TreatLabel, DoseRelative, TreatEvery, TreatDaily, TreatFromStart,
    // The charts' treatment lanes (schedule::Treatment::label_in).
    LaneContinuous, LaneOneSession, LaneSessionsCount, LaneSessionsOpen, LaneCustomContinuous,
    LaneAdherence, LaneStrength, LaneGrafts, LaneCells, LaneEvidence,
    // The mechanism map.
    MapLead, MapAlt, MapCycle, MapTreatments, MapSignals, MapRaises, MapLowers, MapShortens,
    MapLengthens, MapMiniaturizes, MapRestores, MapLegendSpeeds, MapLegendSlows,
    MapTransitionNote,
    // The explorer.
    ExploreLead, ExploreArms, ExploreMetric, ExploreReadout, ExploreAlt, ExploreKeys,
    MetricHairCount, MetricShedding, MetricDht,
    // The what-if.
    WhatIfLead, WhatIfValue, WhatIfAlt, WhatIfNominal,
    // Charts section.
    ChartsLead, AltHairCount, AltPhases, AltShedding, AltSignals, AltHairQuality, AltEndpoints, AltSummary,
    AltResponders,
    // Endpoint table.
    EndpointsLead, ColArm, ColVsStart, ColVsUntreated, NoUntreatedArm,
    // Narratives.
    NarrUntreated, NarrDhtFell, NarrDhtRose, NarrDhtSame, NarrShedPeak, NarrShedNone,
    NarrEndpoint, NarrEndpointVsUntreated, NarrNoEndpoint,
    // Cohort.
    CohortLead, CohortNone, ColResponders, ColMedianBand,
    // Evidence.
    EvidenceLead, ColTreatment, ColGrade, ColSource, SourceInEnglish,
    // Reproduce.
    ReproduceLead, ReproduceCommand, ReproduceVersion, ReproduceSolver, ReproduceText,
    ReproduceSolverLine,
    // Print and a11y.
    PrintNote,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_key_is_in_both_tables_exactly_once() {
        for lang in Lang::ALL {
            let keys: Vec<Key> = lang.table().iter().map(|(k, _)| *k).collect();
            let unique: BTreeSet<Key> = keys.iter().copied().collect();
            assert_eq!(unique.len(), keys.len(), "{lang:?}: a key appears twice");
            for key in Key::ALL {
                assert!(unique.contains(key), "{lang:?} lacks {}", key.name());
            }
        }
    }

    #[test]
    fn a_key_has_the_same_placeholders_in_both_languages() {
        for &key in Key::ALL {
            let mut en = placeholders(Lang::En.get(key));
            let mut ja = placeholders(Lang::Ja.get(key));
            en.sort_unstable();
            ja.sort_unstable();
            assert_eq!(en, ja, "{}", key.name());
        }
    }

    #[test]
    fn no_message_is_empty_and_japanese_is_translated() {
        let mut same = 0;
        for &key in Key::ALL {
            assert!(!Lang::En.get(key).trim().is_empty(), "{}", key.name());
            assert!(!Lang::Ja.get(key).trim().is_empty(), "{}", key.name());
            same += usize::from(Lang::En.get(key) == Lang::Ja.get(key));
        }
        // A few messages are the same in both (placeholders only, formulas).
        assert!(
            same * 20 < Key::ALL.len(),
            "{same} messages are untranslated"
        );
    }

    #[test]
    fn the_english_label_is_the_label_module_s() {
        assert_eq!(Lang::En.get(Key::LabelShort), crate::label::SHORT);
        assert_eq!(Lang::En.get(Key::LabelFull), crate::label::DISCLAIMER);
    }

    #[test]
    fn the_english_footer_is_the_label_module_s() {
        assert_eq!(Lang::En.footer("combo"), crate::label::footer("combo"));
        assert!(Lang::Ja.footer("combo").contains("シナリオ: combo"));
    }

    #[test]
    fn times_read_as_months_weeks_or_days() {
        let en = |d| Lang::En.time(d);
        assert_eq!(en(182.625), "6 months");
        assert_eq!(en(180.0), "6 months");
        assert_eq!(en(365.25), "12 months");
        assert_eq!(en(730.0), "24 months");
        assert_eq!(en(84.0), "12 weeks");
        assert_eq!(en(7.0), "1 week");
        assert_eq!(en(10.0), "10 days");
        assert_eq!(en(45.0), "1.5 months");
        assert_eq!(Lang::Ja.time(365.25), "12 か月");
    }

    #[test]
    fn durations_read_as_units_describes_them() {
        for days in [
            1.0, 2.0, 7.0, 14.0, 30.4375, 91.3125, 365.25, 1095.75, 0.5, 10.0,
        ] {
            assert_eq!(Lang::En.duration(days), crate::units::describe_days(days));
        }
        assert_eq!(Lang::Ja.duration(1095.75), "3 年");
    }

    #[test]
    fn fill_replaces_known_names_and_keeps_the_rest() {
        assert_eq!(
            fill("{a} and {b} and {c", &[("a", "1"), ("b", "{a}")]),
            "1 and {a} and {c"
        );
        assert_eq!(fill("{x}", &[]), "{x}");
        assert_eq!(placeholders("a {x} b {y} {"), vec!["x", "y"]);
    }

    #[test]
    fn identifiers_are_worded_or_shown_as_they_are() {
        assert_eq!(Lang::En.identifier("dht"), "scalp DHT");
        assert_eq!(Lang::Ja.identifier("prp"), "PRP（多血小板血漿）");
        assert_eq!(Lang::Ja.identifier("m2_macrophages"), "m2 macrophages");
    }
}
