package dev.xueqing.jobs.samples;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Random;

import static dev.xueqing.jobs.samples.Xapi.*;

/**
 * xAPI 1.0.3 statements in the conventions of the sample data (data-samples/README.md, "Context conventions"):
 * grouping [course, class], parent module / quiz / forum / question post, the role extension, replies with a
 * StatementRef to the question. Built with the {@link Xapi} node builders, written with Jackson.
 */
final class XapiEventFormat implements EventFormat {
    @Override
    public String name() {
        return "xapi";
    }

    @Override
    public String suffix() {
        return ".jsonl.gz";
    }

    @Override
    public String header() {
        return null;
    }

    @Override
    public String malformed(String goodLine, SimEvent e, Random r) {
        return EventFormat.cutJson(goodLine);
    }

    @Override
    public String malformedReason() {
        return "malformed_json";
    }

    @Override
    public String render(SimEvent e) {
        ObjectNode actor = e.role().equals("tutor") ? accountAgent(e.actor(), null) : accountAgent(e.learner(), null);
        List<ObjectNode> grouping = List.of(e.course().ref(), e.klass().ref());
        String module = e.course().moduleId(e.week());
        ObjectNode s = switch (e.kind()) {
            case ENROLLED, UNENROLLED, PASSED, FAILED -> {
                String verb = switch (e.kind()) {
                    case ENROLLED -> V_REGISTERED;
                    case UNENROLLED -> V_UNREGISTERED;
                    case PASSED -> V_PASSED;
                    default -> V_FAILED;
                };
                ObjectNode result = null;
                if (e.raw() != null) {
                    result = F.objectNode();
                    result.set("score", score(e.raw(), 0, e.max(), e.scaled()));
                    result.put("success", e.success());
                    result.put("completion", true);
                }
                yield statement(e.id(), actor, verb, e.course().activity(), result,
                        context(e.role(), List.of(), List.of(e.klass().ref())));
            }
            case LOGGED_IN -> statement(e.id(), actor, V_LOGGED_IN, activity(HOME, T_LMS, PLATFORM, null), null,
                    context(e.role(), List.of(), grouping));
            case PAGE_VIEWED -> statement(e.id(), actor, V_VIEWED, activity(e.objectId(), T_PAGE, e.objectName(), null),
                    null, context(e.role(), List.of(ref(module, T_MODULE)), grouping));
            case VIDEO_PLAYED, VIDEO_PAUSED, VIDEO_COMPLETED -> {
                ObjectNode result = null;
                if (e.durationS() != null) {
                    result = F.objectNode();
                    result.put("duration", seconds(e.durationS()));
                    if (e.kind() == SimEvent.Kind.VIDEO_COMPLETED) {
                        result.put("completion", true);
                    }
                }
                String verb = e.kind() == SimEvent.Kind.VIDEO_PLAYED ? V_PLAYED
                        : e.kind() == SimEvent.Kind.VIDEO_PAUSED ? V_PAUSED : V_COMPLETED;
                yield statement(e.id(), actor, verb, activity(e.objectId(), T_VIDEO, e.objectName(), null), result,
                        context(e.role(), List.of(ref(module, T_MODULE)), grouping));
            }
            case QUIZ_ATTEMPTED, QUIZ_SUBMITTED, QUIZ_SCORED, ASSIGNMENT_SUBMITTED, ASSIGNMENT_SCORED -> {
                boolean quiz = e.kind() == SimEvent.Kind.QUIZ_ATTEMPTED || e.kind() == SimEvent.Kind.QUIZ_SUBMITTED
                        || e.kind() == SimEvent.Kind.QUIZ_SCORED;
                ObjectNode obj = withDue(activity(e.objectId(), quiz ? T_QUIZ : T_ASSIGNMENT, e.objectName(), null),
                        e.due(), e.weight());
                String verb = switch (e.kind()) {
                    case QUIZ_ATTEMPTED -> V_ATTEMPTED;
                    case QUIZ_SUBMITTED, ASSIGNMENT_SUBMITTED -> V_SUBMIT;
                    default -> V_SCORED;
                };
                ObjectNode result = null;
                if (verb.equals(V_SUBMIT)) {
                    result = F.objectNode();
                    result.put("completion", true);
                } else if (verb.equals(V_SCORED)) {
                    result = F.objectNode();
                    result.set("score", score(e.raw(), 0, e.max(), e.scaled()));
                    result.put("success", e.success());
                    result.put("completion", true);
                }
                ObjectNode ctx = context(e.role(), List.of(ref(module, T_MODULE)), grouping);
                if (e.kind() == SimEvent.Kind.ASSIGNMENT_SCORED) {
                    ctx.set("instructor", accountAgent(e.actor(), null));
                    actor = accountAgent(e.learner(), null);
                }
                yield statement(e.id(), actor, verb, obj, result, ctx);
            }
            case ANSWERED -> {
                SampleDataGenerator.Item item = e.quizItem();
                ObjectNode result = F.objectNode();
                result.set("score", score(e.raw(), 0, e.max(), null));
                result.put("success", e.success());
                result.put("response", e.response());
                yield statement(e.id(), actor, V_ANSWERED, withSkill(question(item.id(), item.name(), item.key()), item.skill()),
                        result,
                        context(e.role(), List.of(ref(e.parentId(), T_QUIZ)), grouping));
            }
            case ASKED -> statement(e.id(), actor, V_ASKED, activity(e.objectId(), T_POST, e.objectName(), null),
                    null, context(e.role(), List.of(ref(e.parentId(), T_FORUM)), grouping));
            case REPLIED -> {
                ObjectNode ctx = context(e.role(), List.of(ref(e.parentId(), T_POST)), grouping);
                ctx.set("statement", statementRef(e.inReplyTo()));
                yield statement(e.id(), actor, V_REPLIED, activity(e.objectId(), T_POST, e.objectName(), null), null,
                        ctx);
            }
        };
        s.put("timestamp", LOCAL_TS.format(e.time()));
        s.put("version", "1.0.3");
        return SampleDataGenerator.json(s);
    }
}
