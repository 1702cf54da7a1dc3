package dev.xueqing.jobs.marts;

import dev.xueqing.jobs.marts.assessment.AssessmentItemDifficultyMart;
import dev.xueqing.jobs.marts.assessment.AssessmentItemStatsMart;
import dev.xueqing.jobs.marts.assessment.AssessmentReliabilityMart;
import dev.xueqing.jobs.marts.assessment.LearnerAbilityMart;
import dev.xueqing.jobs.marts.ops.DataQualityMart;
import dev.xueqing.jobs.marts.progress.CohortRetentionMart;
import dev.xueqing.jobs.marts.progress.LearnerCourseProgressMart;
import dev.xueqing.jobs.marts.progress.LearnerDailyActivityMart;
import dev.xueqing.jobs.marts.progress.LearnerSegmentsMart;
import dev.xueqing.jobs.marts.quality.CourseQualitySummaryMart;
import dev.xueqing.jobs.marts.quality.CourseWeeklyQualityMart;

import java.util.List;

/**
 * Every mart the {@code marts} job builds, in a dependency-free order (marts read only events and dims, never each
 * other, so any order works; this one reads learner → course). learner_segments and course_quality_summary share
 * one segmentation per build through {@link MartInputs#derived}, whichever runs first computes it; the three
 * learning-index marts likewise share one construction.
 */
public final class MartCatalog {
    private MartCatalog() {}

    public static List<Mart> all() {
        return List.of(
                new LearnerDailyActivityMart(),
                new LearnerCourseProgressMart(),
                new LearnerSegmentsMart(),
                new CourseWeeklyQualityMart(),
                new CourseQualitySummaryMart(),
                new CohortRetentionMart(),
                new AssessmentItemStatsMart(),
                new AssessmentReliabilityMart(),
                new AssessmentItemDifficultyMart(),
                new LearnerAbilityMart(),
                new dev.xueqing.jobs.marts.tutor.LearnerQuestionsMart(),
                new dev.xueqing.jobs.marts.tutor.TutorServiceQualityMart(),
                new dev.xueqing.jobs.marts.index.LearningIndexMart(),
                new dev.xueqing.jobs.marts.index.LearningIndexDiagnosticsMart(),
                new dev.xueqing.jobs.marts.index.LearningIndexSensitivityMart(),
                new DataQualityMart());
    }
}
