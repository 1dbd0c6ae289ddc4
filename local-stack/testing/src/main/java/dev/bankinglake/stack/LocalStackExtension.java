package dev.bankinglake.stack;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class the shared {@link LocalStack} with the services named by
 * {@link RequiresServices} running (default: the infrastructure services), and stops the stack when the whole test run ends.
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {
    @Override
    public void beforeAll(ExtensionContext context) {
        LocalStack stack = LocalStack.shared();
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(LocalStackExtension.class.getName(), key -> (ExtensionContext.Store.CloseableResource) stack::stopAll);
        RequiresServices required = context.getRequiredTestClass().getAnnotation(RequiresServices.class);
        stack.require(required == null ? Service.infrastructureServices() : required.value());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return LocalStack.shared();
    }
}
