package io.rocklet.testkit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Disables a test class unless it runs inside {@link #engine()}: for the deliberately failing classes the kit's
 * tests run through JUnit's {@link EngineTestKit}, which must not fail the build when an IDE or a build tool
 * picks them up on their own.
 */
final class OnlyInEngineTestKit implements ExecutionCondition
{
    private static final String PARAMETER = "rocklet.testkit.inner";

    /**
     * @return the Jupiter engine with the parameter that enables the classes carrying this condition.
     */
    static EngineTestKit.Builder engine()
    {
        return EngineTestKit.engine("junit-jupiter").configurationParameter(PARAMETER, "true");
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(final ExtensionContext context)
    {
        return context.getConfigurationParameter(PARAMETER).map(Boolean::parseBoolean).orElse(false) ?
            ConditionEvaluationResult.enabled("run by EngineTestKit") :
            ConditionEvaluationResult.disabled("a scenario for EngineTestKit; runs only through OnlyInEngineTestKit.engine()");
    }
}
