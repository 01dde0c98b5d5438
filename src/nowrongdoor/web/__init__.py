"""The pages: NHS.UK design system components (nhsuk-frontend-jinja) over the same use cases."""
